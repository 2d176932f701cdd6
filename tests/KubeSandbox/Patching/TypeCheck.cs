using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.Patching;

/// <summary>
/// The typed decode a patched object goes through on the real server (k8s.io/apiserver
/// pkg/endpoints/handlers/patch.go: the patched JSON is unmarshalled into the Go type). A field of the wrong
/// JSON type fails there with 422 and Go's unmarshal error (recorded sa-patch-merge-wrong-type). The sandbox
/// checks the scalar fields of the kinds it serves that clients patch.
/// </summary>
public static class TypeCheck
{
    private enum Want { Bool, String, Int }

    // kind -> dotted path -> (Go struct field name, expected type).
    private static readonly Dictionary<string, Dictionary<string, (string GoField, Want Type)>> Fields = new()
    {
        ["ServiceAccount"] = new() { ["automountServiceAccountToken"] = ("ServiceAccount.automountServiceAccountToken", Want.Bool) },
        ["Pod"] = new()
        {
            ["spec.automountServiceAccountToken"] = ("PodSpec.spec.automountServiceAccountToken", Want.Bool),
            ["spec.serviceAccountName"] = ("PodSpec.spec.serviceAccountName", Want.String),
            ["spec.nodeName"] = ("PodSpec.spec.nodeName", Want.String),
        },
        ["Secret"] = new() { ["type"] = ("Secret.type", Want.String) },
    };

    public static void AfterPatch(ResourceType type, StoredObject current, JsonObject patched)
    {
        if (!Fields.TryGetValue(type.Kind, out var fields)) return;
        foreach (var (path, (goField, want)) in fields)
        {
            JsonNode? node = patched;
            foreach (var seg in path.Split('.')) node = (node as JsonObject)?[seg];
            if (node is null) continue;
            var kind = node.GetValueKind();
            var ok = want switch
            {
                Want.Bool => kind is JsonValueKind.True or JsonValueKind.False,
                Want.String => kind == JsonValueKind.String,
                _ => kind == JsonValueKind.Number,
            };
            if (ok) continue;
            var jsonType = kind switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "bool",
                JsonValueKind.Array => "array",
                _ => "object",
            };
            var goType = want switch { Want.Bool => "bool", Want.String => "string", _ => "int64" };
            var err = $"json: cannot unmarshal {jsonType} into Go struct field {goField} of type {goType}";
            throw StatusErrors.Invalid("", "", "", "", new[] { FieldError.Invalid("patch", FieldError.GoQuote(GoMarshalPatched(patched)), err) });
        }
    }

    private static readonly JsonSerializerOptions GoLike = new() { Encoder = JavaScriptEncoder.Default };

    /// <summary>The patched document as json-patch re-marshals it: top-level keys sorted, nested values as stored.</summary>
    private static string GoMarshalPatched(JsonObject patched)
    {
        var sorted = new JsonObject();
        foreach (var (k, v) in patched.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sorted[k] = v?.DeepClone();
        return sorted.ToJsonString(GoLike);
    }
}
