using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Api;

namespace KubeSandbox.Security;

/// <summary>
/// The typed decode of a create body (k8s.io/apiserver pkg/endpoints/handlers/create.go: the JSON is unmarshalled
/// into the Go type): a field of the wrong JSON type is 400
/// <c>TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal string into Go
/// struct field TokenRequestSpec.spec.expirationSeconds of type int64</c>. Checks the fields of the security kinds.
/// </summary>
public static class TypedDecode
{
    /// <summary>A field to check: its dotted JSON path, the Go struct that holds it, and its Go type
    /// (<c>string</c>, <c>int64</c>, <c>bool</c>, <c>[]string</c>, or a struct type name for an object).</summary>
    public sealed record Field(string Path, string GoStruct, string GoType);

    public static void Check(JsonObject body, string kind, IEnumerable<Field> fields)
    {
        foreach (var f in fields)
        {
            JsonNode? node = body;
            foreach (var part in f.Path.Split('.'))
            {
                node = node is JsonObject o ? o[part] : null;
            }
            if (node is null)
            {
                continue;
            }
            var goField = f.GoStruct + "." + f.Path;
            if (f.GoType == "[]string")
            {
                if (node is not JsonArray a)
                {
                    throw Refuse(kind, Describe(node), goField, f.GoType);
                }
                foreach (var item in a)
                {
                    if (item is not null && item.GetValueKind() != JsonValueKind.String)
                    {
                        throw Refuse(kind, Describe(item), goField, "string");
                    }
                }
                continue;
            }
            var ok = f.GoType switch
            {
                "string" => node.GetValueKind() == JsonValueKind.String,
                "int64" => node.GetValueKind() == JsonValueKind.Number && KubeObject.Long(node) is { } l && l.ToString() == node.ToJsonString(),
                "bool" => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
                _ => node is JsonObject,
            };
            if (!ok)
            {
                throw Refuse(kind, Describe(node), goField, f.GoType);
            }
        }
    }

    /// <summary>Go's UnmarshalTypeError.Value: the JSON kind, with the literal for a number.</summary>
    private static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number " + node.ToJsonString(),
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        _ => "object",
    };

    private static ApiException Refuse(string kind, string value, string goField, string goType) =>
        ApiErrors.BadRequest($"{kind} in version \"v1\" cannot be handled as a {kind}: json: cannot unmarshal {value} into Go struct field {goField} of type {goType}");

    public static readonly Field[] TokenRequest =
    {
        new("spec", "TokenRequest", "v1.TokenRequestSpec"),
        new("spec.audiences", "TokenRequestSpec", "[]string"),
        new("spec.expirationSeconds", "TokenRequestSpec", "int64"),
        new("spec.boundObjectRef", "TokenRequestSpec", "v1.BoundObjectReference"),
        new("spec.boundObjectRef.kind", "BoundObjectReference", "string"),
        new("spec.boundObjectRef.apiVersion", "BoundObjectReference", "string"),
        new("spec.boundObjectRef.name", "BoundObjectReference", "string"),
        new("spec.boundObjectRef.uid", "BoundObjectReference", "string"),
    };

    public static readonly Field[] TokenReview =
    {
        new("spec", "TokenReview", "v1.TokenReviewSpec"),
        new("spec.token", "TokenReviewSpec", "string"),
        new("spec.audiences", "TokenReviewSpec", "[]string"),
    };

    public static Field[] AccessReview(string kind, string specType) =>
    [
        new("spec", kind, "v1." + specType),
        new("spec.user", specType, "string"),
        new("spec.groups", specType, "[]string"),
        new("spec.uid", specType, "string"),
        new("spec.namespace", specType, "string"),
        new("spec.resourceAttributes", specType, "v1.ResourceAttributes"),
        new("spec.nonResourceAttributes", specType, "v1.NonResourceAttributes"),
        .. new[] { "namespace", "verb", "group", "version", "resource", "subresource", "name" }
            .Select(a => new Field("spec.resourceAttributes." + a, "ResourceAttributes", "string")),
        .. new[] { "path", "verb" }.Select(a => new Field("spec.nonResourceAttributes." + a, "NonResourceAttributes", "string")),
    ];
}
