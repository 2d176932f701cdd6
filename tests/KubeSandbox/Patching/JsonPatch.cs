using System.Text.Json.Nodes;
using KubeSandbox.Api;

namespace KubeSandbox.Patching;

/// <summary>
/// RFC 6902 JSON patch (application/json-patch+json): add, remove, replace, move, copy, test. A failing
/// operation is the real server's 422 "the server rejected our request due to an error in our request"
/// (k8s.io/apiserver pkg/endpoints/handlers/patch.go wraps json-patch errors with errors.NewGenericServerResponse).
/// </summary>
public static class JsonPatch
{
    public sealed class PatchFailedException(string message) : Exception(message);

    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray ops)
        {
            var what = patch switch { JsonObject => "object", JsonValue v when v.TryGetValue<string>(out _) => "string", JsonValue v when v.TryGetValue<bool>(out _) => "bool", JsonValue => "number", _ => "null" };
            throw StatusErrors.BadRequest($"error decoding patch: json: cannot unmarshal {what} into Go value of type []handlers.jsonPatchOp");
        }
        var doc = document.DeepClone();
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op) throw Rejected();
            var name = op["op"]?.GetValue<string>() ?? throw Rejected();
            var path = op["path"]?.GetValue<string>() ?? throw Rejected();
            switch (name)
            {
                case "add": doc = Add(doc, path, Value(op)); break;
                case "remove": doc = Remove(doc, path, out _); break;
                case "replace":
                    doc = Remove(doc, path, out _);
                    doc = Add(doc, path, Value(op));
                    break;
                case "move":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw Rejected();
                    doc = Remove(doc, from, out var moved);
                    doc = Add(doc, path, moved);
                    break;
                }
                case "copy":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw Rejected();
                    doc = Add(doc, path, Get(doc, from)?.DeepClone());
                    break;
                }
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), Value(op))) throw Rejected();
                    break;
                default: throw Rejected();
            }
        }
        return doc;
    }

    private static JsonNode? Value(JsonObject op) => op.ContainsKey("value") ? op["value"]?.DeepClone() : throw Rejected();

    public static ApiException Rejected() =>
        new(422, "Invalid", "the server rejected our request due to an error in our request", new JsonObject());

    private static string[] Segments(string path)
    {
        if (path.Length == 0) return Array.Empty<string>();
        if (path[0] != '/') throw Rejected();
        return path[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode? Get(JsonNode doc, string path)
    {
        JsonNode? node = doc;
        foreach (var seg in Segments(path))
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(seg) => o[seg],
                JsonArray a when int.TryParse(seg, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw Rejected(),
            };
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode doc, string path)
    {
        var segs = Segments(path);
        if (segs.Length == 0) throw Rejected();
        JsonNode? node = doc;
        foreach (var seg in segs[..^1])
        {
            node = node switch
            {
                JsonObject o when o[seg] is { } child => child,
                JsonArray a when int.TryParse(seg, out var i) && i >= 0 && i < a.Count && a[i] is { } c => c,
                _ => throw Rejected(),
            };
        }
        return (node!, segs[^1]);
    }

    private static JsonNode Add(JsonNode doc, string path, JsonNode? value)
    {
        if (path.Length == 0) return value ?? throw Rejected();
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                if (last == "-") { a.Add(value); break; }
                if (!int.TryParse(last, out var i) || i < 0 || i > a.Count) throw Rejected();
                a.Insert(i, value);
                break;
            default: throw Rejected();
        }
        return doc;
    }

    private static JsonNode Remove(JsonNode doc, string path, out JsonNode? removed)
    {
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o:
                if (!o.ContainsKey(last)) throw Rejected();
                removed = o[last];
                o.Remove(last);
                break;
            case JsonArray a:
                if (!int.TryParse(last, out var i) || i < 0 || i >= a.Count) throw Rejected();
                removed = a[i];
                a.RemoveAt(i);
                break;
            default: throw Rejected();
        }
        removed = removed?.DeepClone();
        return doc;
    }
}
