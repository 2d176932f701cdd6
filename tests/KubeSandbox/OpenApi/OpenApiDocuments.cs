using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Storage;

namespace KubeSandbox.OpenApi;

/// <summary>
/// The OpenAPI v3 documents the sandbox publishes (k8s.io/kube-openapi pkg/handler3): <c>/openapi/v3</c> lists a
/// document per group version (<c>{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}}}</c>,
/// the hash the upper-case hex SHA-512 of the document), and <c>/openapi/v3/api/v1</c>,
/// <c>/openapi/v3/apis/rbac.authorization.k8s.io/v1</c>... serve them. The documents are the real server's
/// (OpenApi/Documents, copied from ../shared/k8s/openapi-v3: core/v1, rbac, authentication, authorization; the
/// reference has no apps/batch documents, so those group versions are not published), trimmed to the paths the
/// sandbox serves (no watch paths; nodes read-only), with each operation's <c>x-kubernetes-group-version-kind</c>
/// (taken from its response schema) that the reference copy lacks: kubectl's field-validation check
/// (k8s.io/cli-runtime pkg/resource/query_param_verifier_v3.go) looks for the PATCH operation of the kind and its
/// <c>fieldValidation</c> parameter, and then leaves validation to the server (<see cref="FieldValidation"/>).
/// </summary>
public sealed class OpenApiDocuments
{
    public const string IndexPath = "/openapi/v3";

    private readonly Dictionary<string, (byte[] Json, string Hash)> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _schemasByGvk = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _components = new(StringComparer.Ordinal);

    /// <param name="served">The resources (and resource/subresource pairs) the sandbox serves, per API prefix
    /// path ("api/v1", "apis/rbac.authorization.k8s.io/v1"); paths for anything else are left out.</param>
    public OpenApiDocuments(Func<string, string, bool> served)
    {
        var asm = typeof(OpenApiDocuments).Assembly;
        const string marker = ".OpenApi.Documents.";
        foreach (var res in asm.GetManifestResourceNames().Where(n => n.Contains(marker, StringComparison.Ordinal)))
        {
            using var s = asm.GetManifestResourceStream(res)!;
            var doc = (JsonObject)JsonNode.Parse(s)!;
            // api__v1_openapi.json -> api/v1; apis__rbac.authorization.k8s.io__v1_openapi.json -> apis/rbac.../v1
            var file = res[(res.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^"_openapi.json".Length];
            var gv = file.Replace("__", "/", StringComparison.Ordinal);
            var components = doc["components"]?["schemas"] as JsonObject ?? new JsonObject();
            foreach (var (name, schema) in components)
            {
                if (schema is not JsonObject o) continue;
                _components[name] = o;
                if (o["x-kubernetes-group-version-kind"] is JsonArray { Count: 1 } gvks && gvks[0] is JsonObject gvk)
                    _schemasByGvk[Key(Str(gvk["group"]), Str(gvk["version"]), Str(gvk["kind"]))] = o;
            }
            Trim(doc, gv, served, components);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(doc);
            _documents[gv] = (bytes, Convert.ToHexString(SHA512.HashData(bytes)));
        }
    }

    /// <summary>
    /// A document for a group version the reference has none for (apps/v1, batch/v1): the paths of its stored
    /// kinds (with the <c>fieldValidation</c> parameter on POST, PUT and PATCH, so kubectl leaves validation to
    /// the server) and a schema per kind whose metadata is the real ObjectMeta and whose spec and status are
    /// <c>x-kubernetes-preserve-unknown-fields</c>: without a reference schema the sandbox does not invent one, so
    /// only top-level and metadata fields are checked. Its PATCH operations take application/json only, so kubectl
    /// computes strategic merge patches from its compiled-in types, as it does for the reference documents.
    /// </summary>
    public void AddWorkloadDocument(string group, string version, IEnumerable<ResourceType> types)
    {
        var gv = $"apis/{group}/{version}";
        if (_documents.ContainsKey(gv)) return;
        var schemas = new JsonObject();
        foreach (var name in Closure("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
                     .Concat(Closure("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"))
                     .Concat(Closure("io.k8s.apimachinery.pkg.apis.meta.v1.Status")).Distinct())
            schemas[name] = _components[name].DeepClone();
        var paths = new JsonObject();
        var gvPrefix = group.Replace('.', '_');
        foreach (var t in types)
        {
            var component = $"io.k8s.api.{group}.{version}.{t.Kind}";
            var gvk = new JsonObject { ["group"] = group, ["kind"] = t.Kind, ["version"] = version };
            var open = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
            var schema = new JsonObject
            {
                ["description"] = $"{t.Kind} (the sandbox publishes no reference schema for its spec and status).",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = new JsonObject { ["type"] = "string" },
                    ["kind"] = new JsonObject { ["type"] = "string" },
                    ["metadata"] = new JsonObject { ["$ref"] = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", ["default"] = new JsonObject() },
                    ["spec"] = open.DeepClone(),
                    ["status"] = open.DeepClone(),
                },
                ["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone()),
            };
            schemas[component] = schema;
            _schemasByGvk[Key(group, version, t.Kind)] = schema;
            _components[component] = schema;
            schemas[component + "List"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("items"),
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = new JsonObject { ["type"] = "string" },
                    ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/components/schemas/" + component } },
                    ["kind"] = new JsonObject { ["type"] = "string" },
                    ["metadata"] = new JsonObject { ["$ref"] = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", ["default"] = new JsonObject() },
                },
                ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = group, ["kind"] = t.Kind + "List", ["version"] = version }),
            };
            JsonObject Op(string verb, string id, string? body, string response, params string[] query)
            {
                var op = new JsonObject
                {
                    ["description"] = $"{verb} {t.Kind}",
                    ["operationId"] = id + gvPrefix + version + t.Kind,
                    ["parameters"] = new JsonArray(query.Select(q => (JsonNode)new JsonObject
                    {
                        ["in"] = "query", ["name"] = q, ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
                    }).ToArray()),
                    ["responses"] = new JsonObject
                    {
                        ["200"] = new JsonObject
                        {
                            ["description"] = "OK",
                            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + response } } },
                        },
                    },
                    ["x-kubernetes-action"] = verb,
                    ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
                };
                if (body is not null)
                    op["requestBody"] = new JsonObject { ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + body } } }, ["required"] = true };
                return op;
            }
            var write = new[] { "dryRun", "fieldManager", "fieldValidation" };
            paths[$"/apis/{group}/{version}/{t.Plural}"] = new JsonObject { ["get"] = Op("list", "list", null, component + "List", "labelSelector", "fieldSelector", "limit", "continue") };
            paths[$"/apis/{group}/{version}/namespaces/{{namespace}}/{t.Plural}"] = new JsonObject
            {
                ["get"] = Op("list", "listNamespaced", null, component + "List", "labelSelector", "fieldSelector", "limit", "continue"),
                ["post"] = Op("post", "createNamespaced", component, component, write),
                ["delete"] = Op("deletecollection", "deleteCollectionNamespaced", null, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "labelSelector", "fieldSelector"),
            };
            paths[$"/apis/{group}/{version}/namespaces/{{namespace}}/{t.Plural}/{{name}}"] = new JsonObject
            {
                ["get"] = Op("get", "readNamespaced", null, component),
                ["put"] = Op("put", "replaceNamespaced", component, component, write),
                ["patch"] = Op("patch", "patchNamespaced", "io.k8s.apimachinery.pkg.apis.meta.v1.Patch", component, write),
                ["delete"] = Op("delete", "deleteNamespaced", null, "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "dryRun"),
            };
        }
        schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"] = _components.TryGetValue("io.k8s.apimachinery.pkg.apis.meta.v1.Patch", out var patch)
            ? patch.DeepClone() : new JsonObject { ["type"] = "object" };
        var doc = new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "unversioned" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(doc);
        _documents[gv] = (bytes, Convert.ToHexString(SHA512.HashData(bytes)));
    }

    /// <summary>A component and every component it references, transitively.</summary>
    private IEnumerable<string> Closure(string root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(root);
        while (queue.Count > 0)
        {
            var name = queue.Dequeue();
            if (!seen.Add(name) || !_components.TryGetValue(name, out var schema)) continue;
            foreach (var r in References(schema)) queue.Enqueue(r);
        }
        return seen.Where(_components.ContainsKey);
    }

    private static IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (k == "$ref" && v is JsonValue rv && rv.GetValue<string>() is var r && r.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                        yield return r["#/components/schemas/".Length..];
                    else
                        foreach (var x in References(v)) yield return x;
                }
                break;
            case JsonArray a:
                foreach (var v in a)
                    foreach (var x in References(v)) yield return x;
                break;
        }
    }

    /// <summary>The group versions published ("api/v1", "apis/rbac.authorization.k8s.io/v1"...).</summary>
    public IEnumerable<string> GroupVersions => _documents.Keys.OrderBy(k => k, StringComparer.Ordinal);

    /// <summary>The discovery index of /openapi/v3.</summary>
    public byte[] Index()
    {
        var paths = new JsonObject();
        foreach (var gv in GroupVersions)
            paths[gv] = new JsonObject { ["serverRelativeURL"] = $"{IndexPath}/{gv}?hash={_documents[gv].Hash}" };
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["paths"] = paths });
    }

    /// <summary>The document of one group version ("api/v1"), or null.</summary>
    public byte[]? Document(string groupVersion) => _documents.TryGetValue(groupVersion, out var d) ? d.Json : null;

    /// <summary>The schema of a kind (group "" for core), or null when no document describes it.</summary>
    public JsonObject? SchemaFor(string group, string version, string kind) =>
        _schemasByGvk.TryGetValue(Key(group, version, kind), out var s) ? s : null;

    /// <summary>The component a <c>$ref</c> ("#/components/schemas/NAME") names, or null.</summary>
    public JsonObject? Resolve(string reference) =>
        reference.StartsWith("#/components/schemas/", StringComparison.Ordinal)
        && _components.TryGetValue(reference["#/components/schemas/".Length..], out var s) ? s : null;

    private static void Trim(JsonObject doc, string gv, Func<string, string, bool> served, JsonObject components)
    {
        if (doc["paths"] is not JsonObject paths) return;
        var prefix = "/" + gv + "/";
        foreach (var (path, item) in paths.ToList())
        {
            var resource = ResourceOf(path, prefix);
            if (resource is null || !served(gv, resource) || item is not JsonObject ops)
            {
                paths.Remove(path);
                continue;
            }
            foreach (var (method, op) in ops.ToList())
            {
                if (op is not JsonObject operation || method == "parameters") continue;
                if (ResourceCatalog.ReadOnly(resource.Split('/')[0]) && method != "get")
                {
                    ops.Remove(method);
                    continue;
                }
                // The kind the operation answers with, as the real server's spec builder marks each operation.
                var responseRef = (operation["responses"]?["200"] ?? operation["responses"]?["201"])?["content"]?["application/json"]?["schema"]?["$ref"];
                if (operation["x-kubernetes-group-version-kind"] is null && responseRef is JsonValue rv
                    && rv.GetValue<string>().Split('/').Last() is var name
                    && components[name]?["x-kubernetes-group-version-kind"] is JsonArray { Count: 1 } gvk
                    && gvk[0]?["kind"]?.GetValue<string>() != "Status")
                {
                    var kind = gvk[0]!.DeepClone();
                    // A list operation answers with the List kind; the real server marks it with the item kind.
                    if (kind["kind"]!.GetValue<string>().EndsWith("List", StringComparison.Ordinal) && method == "get")
                        kind["kind"] = kind["kind"]!.GetValue<string>()[..^"List".Length];
                    operation["x-kubernetes-group-version-kind"] = kind;
                }
            }
        }
    }

    /// <summary>"serviceaccounts", "serviceaccounts/token", "namespaces"... of a path under the group version, or
    /// null for a watch path.</summary>
    private static string? ResourceOf(string path, string prefix)
    {
        if (!path.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var parts = path[prefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] == "watch") return null;
        if (parts[0] == "namespaces" && parts.Length >= 3)
            parts = parts[2..];
        return parts.Length >= 3 ? parts[0] + "/" + parts[2] : parts[0];
    }

    private static string Key(string group, string version, string kind) => group + "/" + version + "/" + kind;

    private static string Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}
