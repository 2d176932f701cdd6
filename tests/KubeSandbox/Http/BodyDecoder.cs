using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Api;
using Microsoft.AspNetCore.Http;

namespace KubeSandbox.Http;

/// <summary>
/// Reads a request body as the real server decodes it for create and update
/// (k8s.io/apiserver pkg/endpoints/handlers/create.go and rest.go transformDecodeError): JSON or YAML,
/// 415 for other media types, 400 with the decoder's words for bad JSON or a body of another kind.
/// </summary>
public static class BodyDecoder
{
    // Kinds registered in the versions the sandbox serves: a body of one of these kinds is decoded and then
    // fails conversion; any other kind is "not registered".
    private static readonly Dictionary<string, HashSet<string>> Registered = new(StringComparer.Ordinal)
    {
        ["v1"] = new() { "Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node", "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service", "ServiceAccount", "Status", "List", "DeleteOptions", "ListOptions" },
        ["rbac.authorization.k8s.io/v1"] = new() { "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding" },
        ["authentication.k8s.io/v1"] = new() { "TokenRequest", "TokenReview", "SelfSubjectReview" },
        ["authorization.k8s.io/v1"] = new() { "SubjectAccessReview", "SelfSubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectRulesReview" },
        ["apps/v1"] = new() { "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision", "Scale" },
        ["batch/v1"] = new() { "Job", "CronJob" },
    };

    public static async Task<string> ReadTextAsync(HttpRequest req)
    {
        using var reader = new StreamReader(req.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    public static string MediaType(HttpRequest req) =>
        (req.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>Reads and decodes an object body that should be of <paramref name="kind"/>.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest req, string kind, string internalGroup, string group, string version)
    {
        var media = MediaType(req);
        if (media == "application/vnd.kubernetes.protobuf" && Security.KubeProtobuf.CanDecode(kind))
        {
            // kubectl's typed clients post protobuf for the authentication/authorization kinds.
            using var buffer = new MemoryStream();
            await req.Body.CopyToAsync(buffer);
            var decoded = Security.KubeProtobuf.Decode(buffer.ToArray(), kind)
                ?? throw StatusErrors.BadRequest($"the object provided is unrecognized (must be of type {kind}): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
            CheckKind(decoded, kind, internalGroup, group, version);
            return decoded;
        }
        if (media is not ("application/json" or "application/yaml" or "" or "*/*"))
            throw new ApiException(415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
        var text = await ReadTextAsync(req);
        JsonNode? node;
        if (media == "application/yaml")
        {
            try { node = YamlJson.Convert(text); }
            catch (Exception e) { throw StatusErrors.BadRequest($"the object provided is unrecognized (must be of type {kind}): yaml: {e.Message} ({Summary(text)})"); }
        }
        else
        {
            if (GoJsonSyntax.Check(text) is { } err)
                throw StatusErrors.BadRequest($"the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; json parse error: {err} ({Summary(text)})");
            node = JsonNode.Parse(text);
        }
        if (node is not JsonObject obj)
            throw StatusErrors.BadRequest($"the object provided is unrecognized (must be of type {kind}): couldn't get version/kind; json parse error: json: cannot unmarshal {GoType(node)} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }} ({Summary(text)})");
        CheckKind(obj, kind, internalGroup, group, version);
        return obj;
    }

    /// <summary>A body naming another kind fails as the decoder fails (recorded err-kind-mismatch, tr-wrong-kind-body).</summary>
    public static void CheckKind(JsonObject obj, string kind, string internalGroup, string group, string version)
    {
        var bodyKind = obj["kind"] is JsonValue kv && kv.TryGetValue<string>(out var k) ? k : "";
        var bodyApiVersion = obj["apiVersion"] is JsonValue av && av.TryGetValue<string>(out var a) ? a : "";
        if (bodyKind.Length == 0 || bodyKind == kind) return;
        var apiVersion = bodyApiVersion.Length > 0 ? bodyApiVersion : (group.Length == 0 ? version : group + "/" + version);
        var bodyVersion = apiVersion.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;
        if (Registered.TryGetValue(apiVersion, out var kinds) && kinds.Contains(bodyKind))
            throw StatusErrors.BadRequest($"{bodyKind} in version \"{bodyVersion}\" cannot be handled as a {kind}: converting ({bodyVersion}.{bodyKind}) to ({internalGroup}.{kind}): unknown conversion");
        var scheme = "pkg/api/legacyscheme/scheme.go:30";
        throw StatusErrors.BadRequest($"{bodyKind} in version \"{bodyVersion}\" cannot be handled as a {kind}: no kind \"{bodyKind}\" is registered for version \"{apiVersion}\" in scheme \"{scheme}\"");
    }

    private static string GoType(JsonNode? n) => n switch
    {
        JsonArray => "array",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValue => "number",
        _ => "null",
    };

    /// <summary>summarizeData(body, 30).</summary>
    public static string Summary(string body) =>
        body.Length == 0 ? "<empty>" : Encoding.UTF8.GetByteCount(body) > 30 ? Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(body), 0, 30) + " ..." : body;
}
