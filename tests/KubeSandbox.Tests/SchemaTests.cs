using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeSandbox.Tests;

/// <summary>
/// Every property the sandbox emits, for each kind, exists in the OpenAPI v3 documents of the real API server
/// (../shared/k8s/openapi-v3/) with that JSON type. Null stands for an absent value (Go nil) and is accepted.
/// The documents are of the v1.24 line, so the sandbox answers as 1.26 here: 1.33's newer fields (a running
/// pod's status.hostIPs, GA in 1.30) are not in them.
/// </summary>
public sealed class SchemaTests : IClassFixture<DemoSandbox126>
{
    private readonly DemoSandbox126 _fx;
    private static readonly Lazy<Dictionary<string, JsonObject>> Schemas = new(LoadSchemas);

    public SchemaTests(DemoSandbox126 fx) => _fx = fx;

    private static Dictionary<string, JsonObject> LoadSchemas()
    {
        var all = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Shared, "k8s", "openapi-v3"), "*.json"))
            foreach (var (k, v) in JsonNode.Parse(File.ReadAllText(file))!["components"]!["schemas"]!.AsObject())
                all[k] = (JsonObject)v!;
        return all;
    }

    public static TheoryData<string, string, string> Lists => new()
    {
        { "/api/v1/namespaces", "io.k8s.api.core.v1", "Namespace" },
        { "/api/v1/serviceaccounts", "io.k8s.api.core.v1", "ServiceAccount" },
        { "/api/v1/pods", "io.k8s.api.core.v1", "Pod" },
        { "/api/v1/secrets", "io.k8s.api.core.v1", "Secret" },
        { "/api/v1/configmaps", "io.k8s.api.core.v1", "ConfigMap" },
        { "/apis/rbac.authorization.k8s.io/v1/roles", "io.k8s.api.rbac.v1", "Role" },
        { "/apis/rbac.authorization.k8s.io/v1/rolebindings", "io.k8s.api.rbac.v1", "RoleBinding" },
        { "/apis/rbac.authorization.k8s.io/v1/clusterroles", "io.k8s.api.rbac.v1", "ClusterRole" },
        { "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "io.k8s.api.rbac.v1", "ClusterRoleBinding" },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task Lists_and_their_objects_match_the_openapi_schema(string path, string prefix, string kind)
    {
        var list = await _fx.Client.GetAsync2(path + "?limit=50");
        var errors = new List<string>();
        Check(list.Json, prefix + "." + kind + "List", "$", errors);
        var items = list.Object["items"]!.AsArray();
        Assert.NotEmpty(items);
        foreach (var item in items.Take(20))
        {
            var md = item!["metadata"]!;
            var one = await _fx.Client.GetAsync2(ObjectPath(path, md["namespace"]?.GetValue<string>(), md["name"]!.GetValue<string>()));
            Check(one.Json, prefix + "." + kind, md["name"]!.GetValue<string>(), errors);
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
    }

    [Fact]
    public async Task Status_objects_match_the_openapi_schema()
    {
        var errors = new List<string>();
        var notFound = await _fx.Client.GetAsync2("/api/v1/namespaces/default/serviceaccounts/nope");
        Check(notFound.Json, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "404", errors);
        var invalid = await _fx.Client.PostAsync2("/api/v1/namespaces/default/serviceaccounts", Api.Obj("""{"metadata":{"name":"Bad_Name"}}"""));
        Check(invalid.Json, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "422", errors);
        await _fx.Client.PostAsync2("/api/v1/namespaces/default/secrets", Api.Obj("""{"metadata":{"name":"schema-del"}}"""));
        var deleted = await _fx.Client.DeleteAsync2("/api/v1/namespaces/default/secrets/schema-del");
        Check(deleted.Json, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "delete", errors);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static string ObjectPath(string listPath, string? ns, string name)
    {
        var parts = listPath.TrimEnd('/').Split('/');
        var resource = parts[^1];
        var prefix = string.Join('/', parts[..^1]);
        return ns is null ? $"{prefix}/{resource}/{name}" : $"{prefix}/namespaces/{ns}/{resource}/{name}";
    }

    private static JsonObject Resolve(JsonObject schema)
    {
        while (true)
        {
            if (schema["$ref"]?.GetValue<string>() is { } r)
                schema = Schemas.Value[r["#/components/schemas/".Length..]];
            else if (schema["allOf"] is JsonArray all && all.Count > 0)
                schema = (JsonObject)all[0]!;
            else return schema;
        }
    }

    private static void Check(JsonNode? value, string schemaName, string path, List<string> errors)
    {
        if (!Schemas.Value.TryGetValue(schemaName, out var schema))
        {
            errors.Add($"{path}: no schema {schemaName}");
            return;
        }
        Check(value, schema, path, errors);
    }

    private static void Check(JsonNode? value, JsonObject schema, string path, List<string> errors)
    {
        if (value is null) return;
        schema = Resolve(schema);
        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            if (value.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number)) errors.Add($"{path}: int-or-string expected");
            return;
        }
        var type = schema["type"]?.GetValue<string>() ?? (schema["properties"] is not null ? "object" : null);
        switch (type)
        {
            case "object":
                if (value is not JsonObject obj) { errors.Add($"{path}: object expected, got {value.GetValueKind()}"); return; }
                var props = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                foreach (var (k, v) in obj)
                {
                    if (props?[k] is JsonObject ps) Check(v, ps, path + "." + k, errors);
                    else if (additional is not null) Check(v, additional, path + "." + k, errors);
                    else if (props is not null || additional is null && schema["x-kubernetes-preserve-unknown-fields"] is null)
                        errors.Add($"{path}.{k}: not in the schema");
                }
                break;
            case "array":
                if (value is not JsonArray arr) { errors.Add($"{path}: array expected"); return; }
                for (var i = 0; i < arr.Count; i++) Check(arr[i], (JsonObject)schema["items"]!, $"{path}[{i}]", errors);
                break;
            case "string":
                if (value.GetValueKind() != JsonValueKind.String) errors.Add($"{path}: string expected, got {value.GetValueKind()}");
                break;
            case "integer":
                if (value.GetValueKind() != JsonValueKind.Number || value.ToJsonString().Contains('.')) errors.Add($"{path}: integer expected");
                break;
            case "number":
                if (value.GetValueKind() != JsonValueKind.Number) errors.Add($"{path}: number expected");
                break;
            case "boolean":
                if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) errors.Add($"{path}: boolean expected");
                break;
        }
    }
}
