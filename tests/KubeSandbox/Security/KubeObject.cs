using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeSandbox.Security;

/// <summary>Read-only helpers over the JSON objects the store holds.</summary>
internal static class KubeObject
{
    public static string Name(JsonObject o) => Str(o["metadata"]?["name"]) ?? "";

    public static string Uid(JsonObject o) => Str(o["metadata"]?["uid"]) ?? "";

    public static string? Label(JsonObject o, string key) => Str(o["metadata"]?["labels"]?[key]);

    public static string? Annotation(JsonObject o, string key) => Str(o["metadata"]?["annotations"]?[key]);

    public static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>A JSON number as a whole number (parsed or built in code, int, long or double), else null.</summary>
    public static long? Long(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        if (v.TryGetValue<decimal>(out var m)) return (long)m;
        return null;
    }

    public static List<string> Strings(JsonNode? node)
    {
        var list = new List<string>();
        if (node is JsonArray a)
        {
            foreach (var item in a)
            {
                if (Str(item) is { } s)
                {
                    list.Add(s);
                }
            }
        }
        return list;
    }

    public static JsonArray ToArray(IEnumerable<string> items) => new(items.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
}
