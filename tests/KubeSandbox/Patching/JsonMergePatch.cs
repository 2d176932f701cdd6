using System.Text.Json.Nodes;

namespace KubeSandbox.Patching;

/// <summary>RFC 7386 JSON merge patch (application/merge-patch+json), as evanphx/json-patch MergePatch applies it.</summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target as JsonObject is { } t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null) { result.Remove(key); continue; }
            result[key] = Apply(result[key], value);
        }
        return result;
    }
}
