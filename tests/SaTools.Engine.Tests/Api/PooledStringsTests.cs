using System.Text.Json;
using k8s;
using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Audit;
using SaTools.Engine.Rbac;

namespace SaTools.Engine.Tests.Api;

/// <summary>A trimmed list's strings (<see cref="PooledStrings"/>): the same values as KubernetesClient's own parse,
/// each short repeated value built once; whatever shares a slot of the table, escaped or not, ASCII or not.</summary>
public class PooledStringsTests
{
    private static string Pod(string ns, string name, string serviceAccount, string labelKey) => $$$"""
        {"metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","uid":"5f113793-fb25-4fe0-8d51-{{{name.GetHashCode():x12}}}","labels":{"{{{labelKey}}}":"web"},
          "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-6d4cf56db6","uid":"b8994f32-34bb-4f27-9ab1-5af7d2c5fc46","controller":true}]},
         "spec":{"serviceAccountName":"{{{serviceAccount}}}","volumes":[{"name":"kube-api-access-x","projected":{"sources":[{"serviceAccountToken":{"path":"token"}}]}}]},
         "status":{"phase":"Running"}}
        """;

    private static string PodList(IEnumerable<string> pods) =>
        """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[""" + string.Join(",", pods) + "]}";

    private static V1PodList Trimmed(string json) => JsonSerializer.Deserialize<V1PodList>(json, AuditPodFields.Fields.Options)!;

    [Fact]
    public void RepeatedShortValuesAreOneStringWithTheValueAFullParseGives()
    {
        var json = PodList([Pod("shop", "web-1", "web", "app.kubernetes.io/name"), Pod("shop", "web-2", "web", "app.kubernetes.io/name")]);

        var trimmed = Trimmed(json).Items;
        var full = KubernetesJson.Deserialize<V1PodList>(json).Items;

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(full[i].Metadata.NamespaceProperty, trimmed[i].Metadata.NamespaceProperty);
            Assert.Equal(full[i].Metadata.Name, trimmed[i].Metadata.Name);
            Assert.Equal(full[i].Metadata.Uid, trimmed[i].Metadata.Uid);
            Assert.Equal(full[i].Metadata.Labels, trimmed[i].Metadata.Labels);
            Assert.Equal(full[i].Spec.ServiceAccountName, trimmed[i].Spec.ServiceAccountName);
            Assert.Equal(full[i].Status.Phase, trimmed[i].Status.Phase);
        }

        // The second pod's namespace, ServiceAccount, owner, phase and label key are the first pod's strings.
        var (a, b) = (trimmed[0], trimmed[1]);
        Assert.Same(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
        Assert.Same(a.Spec.ServiceAccountName, b.Spec.ServiceAccountName);
        Assert.Same(a.Metadata.OwnerReferences[0].Kind, b.Metadata.OwnerReferences[0].Kind);
        Assert.Same(a.Metadata.OwnerReferences[0].Name, b.Metadata.OwnerReferences[0].Name);
        Assert.Same(a.Status.Phase, b.Status.Phase);
        Assert.Same(a.Metadata.Labels.Keys.Single(), b.Metadata.Labels.Keys.Single());
    }

    [Fact]
    public void EveryValueIsItsOwnWhateverSharesASlot()
    {
        // 20,000 distinct namespaces and ServiceAccounts in a table of 8,192 slots: values collide and replace each
        // other; each pod must still read back exactly what it was sent, on several threads at once.
        var names = Enumerable.Range(0, 20_000).Select(i => $"ns-{i:x5}").ToList();
        var lists = names.Chunk(500).Select(chunk => PodList(chunk.Select(n => Pod(n, "p-" + n, "sa-" + n, "k-" + n)))).ToList();

        var parsed = lists.AsParallel().WithDegreeOfParallelism(4).Select(Trimmed).SelectMany(l => l.Items).ToList();

        Assert.Equal(names.Count, parsed.Count);
        Assert.All(parsed, pod =>
        {
            var ns = pod.Metadata.NamespaceProperty;
            Assert.StartsWith("ns-", ns);
            Assert.Equal("p-" + ns, pod.Metadata.Name);
            Assert.Equal("sa-" + ns, pod.Spec.ServiceAccountName);
            Assert.Equal("k-" + ns, pod.Metadata.Labels.Keys.Single());
        });
        Assert.Equal(names.Order(StringComparer.Ordinal), parsed.Select(p => p.Metadata.NamespaceProperty).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("caf\\u00e9", "café")]
    [InlineData("café", "café")]
    [InlineData("a\\/b", "a/b")]
    [InlineData("日本語の名前空間", "日本語の名前空間")]
    [InlineData("a-name-longer-than-sixty-four-bytes-is-built-as-usual-and-never-pooled-x", "a-name-longer-than-sixty-four-bytes-is-built-as-usual-and-never-pooled-x")]
    public void EscapedLongAndNonAsciiValuesReadAsSent(string sent, string expected)
    {
        // Twice, so the second read would come from the table if the first had put a wrong value there.
        var roles = $$"""
            {"kind":"RoleList","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{},"items":[
              {"metadata":{"name":"{{sent}}","namespace":"shop"},"rules":[{"verbs":["{{sent}}"],"resources":["{{sent}}"]}]},
              {"metadata":{"name":"{{sent}}","namespace":"shop"},"rules":[{"verbs":["get"],"resources":["{{sent}}"]}]}]}
            """;

        var parsed = JsonSerializer.Deserialize<V1RoleList>(roles, RbacListFields.Fields.Options)!.Items;

        Assert.All(parsed, role =>
        {
            Assert.Equal(expected, role.Metadata.Name);
            Assert.Equal(expected, role.Rules[0].Resources[0]);
        });
        Assert.Equal(expected, parsed[0].Rules[0].Verbs[0]);
    }
}
