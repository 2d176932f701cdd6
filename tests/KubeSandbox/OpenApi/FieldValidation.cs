using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.OpenApi;

/// <summary>
/// Server-side field validation (<c>?fieldValidation=Ignore|Warn|Strict</c>, GA in 1.27; k8s.io/apiserver
/// pkg/endpoints/handlers/rest.go fieldValidation): a body's fields that its kind's OpenAPI schema does not declare
/// are, with Strict, a 400 "strict decoding error: unknown field "spec.foo"" (sigs.k8s.io/json's paths); with Warn
/// (the default when the parameter is absent, as the parameter's own description in the OpenAPI document says) a
/// <c>Warning: 299</c> header each; with Ignore nothing. Other values are not checked (taken as Warn). kubectl sends Strict once the OpenAPI v3
/// document shows the parameter (<see cref="OpenApiDocuments"/>), instead of validating client-side. Kinds without
/// a published schema (apps, batch) are not checked. Duplicate fields are not detected, and unknown fields are
/// kept in the stored object rather than dropped.
/// </summary>
public sealed class FieldValidation(OpenApiDocuments documents)
{
    /// <summary>Unknown fields of <paramref name="obj"/> (a whole object, or a merge/strategic patch of one,
    /// whose <c>$</c> directives are skipped), as JSON paths ("spec.foo", "subjects[0].bogus").</summary>
    public IReadOnlyList<string> UnknownFields(ResourceType type, JsonObject obj)
    {
        var schema = documents.SchemaFor(type.Group, type.Version, type.Kind);
        var found = new List<string>();
        if (schema is not null) Walk(schema, obj, "", found);
        return found;
    }

    /// <summary>Applies the request's fieldValidation directive to <paramref name="obj"/>: throws for Strict,
    /// returns the warnings for Warn (and by default), nothing for Ignore.</summary>
    public IReadOnlyList<string> Check(string? directive, ResourceType type, JsonObject obj)
    {
        if (directive == "Ignore") return Array.Empty<string>();
        var unknown = UnknownFields(type, obj).Select(f => $"unknown field \"{f}\"").ToList();
        if (unknown.Count > 0 && directive == "Strict")
            throw StatusErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", unknown)}");
        return unknown;
    }

    private void Walk(JsonObject schema, JsonNode? value, string path, List<string> found)
    {
        schema = Deref(schema);
        if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true || schema["x-kubernetes-int-or-string"] is not null) return;
        switch (value)
        {
            case JsonObject obj when schema["properties"] is JsonObject properties:
                foreach (var (name, child) in obj)
                {
                    if (name.StartsWith('$')) continue; // strategic merge patch directives ($patch, $setElementOrder/...)
                    var childPath = path.Length == 0 ? name : path + "." + name;
                    if (properties[name] is JsonObject childSchema) Walk(childSchema, child, childPath, found);
                    else found.Add(childPath);
                }
                break;
            case JsonObject obj when schema["additionalProperties"] is JsonObject valueSchema:
                foreach (var (name, child) in obj)
                    Walk(valueSchema, child, path + "." + name, found);
                break;
            case JsonArray array when schema["items"] is JsonObject itemSchema:
                for (var i = 0; i < array.Count; i++)
                    Walk(itemSchema, array[i], $"{path}[{i}]", found);
                break;
        }
    }

    /// <summary>A schema with its <c>$ref</c> (direct, or the single <c>allOf</c> the v3 documents use for a
    /// reference with a default) followed.</summary>
    private JsonObject Deref(JsonObject schema)
    {
        for (var depth = 0; depth < 16; depth++)
        {
            var reference = schema["$ref"]?.GetValue<string>()
                ?? (schema["allOf"] is JsonArray { Count: 1 } all ? all[0]?["$ref"]?.GetValue<string>() : null);
            if (reference is null || documents.Resolve(reference) is not { } target) return schema;
            schema = target;
        }
        return schema;
    }
}
