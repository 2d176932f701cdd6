using System.Text.Json;
using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Tests.Api;

/// <summary>A trimmed list keeps what the pager reads of it whatever the field table names: its envelope is always
/// read whole, and a table that names it is refused.</summary>
public class ListFieldsTests
{
    [Fact]
    public void TheListsMetadataIsReadWhateverTheItemsKeep()
    {
        const string page = """
            {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42","continue":"next-page","remainingItemCount":7},
             "items":[{"metadata":{"name":"web","namespace":"shop","annotations":{"a":"b"}},"spec":{"nodeName":"n1"}}]}
            """;

        var list = JsonSerializer.Deserialize<V1PodList>(page, UsagePodFields.Fields.Options)!;

        Assert.Equal(("42", "next-page", 7L), (list.Metadata.ResourceVersion, list.Metadata.ContinueProperty, list.Metadata.RemainingItemCount));
        Assert.Equal("web", list.Items.Single().Metadata.Name);
        Assert.Null(list.Items.Single().Metadata.Annotations);
    }

    [Theory]
    [InlineData(typeof(V1PodList))]
    [InlineData(typeof(V1ListMeta))]
    public void ATableThatNamesTheEnvelopeIsRefused(Type envelope)
    {
        var e = Assert.Throws<ArgumentException>(() => new ListFields(new Dictionary<Type, string[]> { [envelope] = ["items"] }));
        Assert.Contains(envelope.Name, e.Message);
    }
}
