using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SaTools.Engine.Api;

/// <summary>
/// The fields of a list's items a caller reads, for <see cref="KubeApi"/> to parse a page into the usual
/// KubernetesClient models with every other property left unset: System.Text.Json skips what the contract does
/// not name (a JsonTypeInfo modifier drops the other properties), so a page of pods is parsed without building
/// their containers, tolerations, statuses or managedFields. The objects are the library's own types, so the rules
/// that read them (PodServiceAccount, TokenMountRule...) apply unchanged. The short strings they repeat (namespaces,
/// kinds, verbs...) are built once (<see cref="PooledStrings"/>).
/// </summary>
internal sealed class ListFields
{
    private readonly IReadOnlyDictionary<Type, HashSet<string>> _keep;

    /// <param name="keep">For each model type, the JSON names of the properties to read (the type's
    /// <c>[JsonPropertyName]</c>s). A type not named keeps every property.</param>
    public ListFields(IReadOnlyDictionary<Type, string[]> keep)
    {
        _keep = keep.ToDictionary(kv => kv.Key, kv => new HashSet<string>(kv.Value, StringComparer.Ordinal));
        Options = new JsonSerializerOptions
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Trim } },
            Converters = { new PooledStrings() },
        };
    }

    /// <summary>Options that parse only the fields named.</summary>
    public JsonSerializerOptions Options { get; }

    private void Trim(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || !_keep.TryGetValue(typeInfo.Type, out var keep)) return;
        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            if (!keep.Contains(typeInfo.Properties[i].Name)) typeInfo.Properties.RemoveAt(i);
        }
    }
}
