using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

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

    /// <param name="keep">For each model type of the items, the JSON names of the properties to read (the type's
    /// <c>[JsonPropertyName]</c>s). A type not named keeps every property. The list itself and its
    /// <see cref="V1ListMeta"/> (the continue token, remainingItemCount and resourceVersion the pager reads) are
    /// always read whole, so they are not named.</param>
    public ListFields(IReadOnlyDictionary<Type, string[]> keep)
    {
        if (keep.Keys.FirstOrDefault(IsListEnvelope) is { } envelope)
        {
            throw new ArgumentException($"{envelope.Name} is a list's envelope, which is always read whole.", nameof(keep));
        }

        _keep = keep.ToDictionary(kv => kv.Key, kv => new HashSet<string>(kv.Value, StringComparer.Ordinal));
        Options = new JsonSerializerOptions
        {
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Trim } },
            Converters = { new PooledStrings() },
        };
    }

    /// <summary>Options that parse only the fields named.</summary>
    public JsonSerializerOptions Options { get; }

    /// <summary>A list type (its metadata and items) or its <see cref="V1ListMeta"/>.</summary>
    private static bool IsListEnvelope(Type type) =>
        type == typeof(V1ListMeta) || type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IItems<>));

    private void Trim(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || !_keep.TryGetValue(typeInfo.Type, out var keep)) return;
        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            if (!keep.Contains(typeInfo.Properties[i].Name)) typeInfo.Properties.RemoveAt(i);
        }
    }
}
