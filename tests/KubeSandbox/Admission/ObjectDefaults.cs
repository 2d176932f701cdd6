using System.Text;
using System.Text.Json.Nodes;

namespace KubeSandbox.Admission;

/// <summary>
/// Defaulting and the storage round trip, as the real server applies them before an object is stored:
/// the v1 SetDefaults_* functions (pkg/apis/core/v1/defaults.go, pkg/apis/rbac/v1/defaults.go), the registry
/// strategies' PrepareForCreate (pkg/registry/core/namespace/strategy.go, secret: stringData folded into data),
/// and the protobuf round trip of etcd storage, which turns empty lists and maps into nil (so they are
/// omitted, or null for fields without omitempty such as Role/ClusterRole rules: recorded rbac-role-create-no-rules).
/// </summary>
public static class ObjectDefaults
{
    /// <param name="current">On update, the stored object (workloads keep its status and generation).</param>
    public static void Apply(string resource, JsonObject obj, bool isCreate, JsonObject? current = null)
    {
        if (WorkloadDefaults.Applies(resource)) WorkloadDefaults.Apply(resource, obj, isCreate ? null : current);
        switch (resource)
        {
            case "namespaces": Namespace(obj); break;
            case "secrets": Secret(obj); break;
            case "rolebindings" or "clusterrolebindings": Binding(obj); break;
            case "pods": PodDefaults.Apply(obj); break;
        }
        DropEmpty(obj, resource, "");
        if (resource is "roles" or "clusterroles")
        {
            // PolicyRule field order as Go marshals it: verbs, apiGroups, resources, resourceNames, nonResourceURLs.
            if (obj["rules"] is JsonArray rules && rules.Count > 0)
            {
                var ordered = new JsonArray();
                foreach (var r in rules)
                {
                    if (r is not JsonObject ro) { ordered.Add(r?.DeepClone()); continue; }
                    var o = new JsonObject();
                    foreach (var k in new[] { "verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs" })
                        if (ro[k] is { } v) o[k] = v.DeepClone();
                    ordered.Add(o);
                }
                obj["rules"] = ordered;
            }
            else obj["rules"] = null;
            if (obj["aggregationRule"] is JsonObject ar)
            {
                // rules come before aggregationRule in the Go struct.
                obj.Remove("aggregationRule");
                obj["aggregationRule"] = ar;
            }
        }
    }

    private static void Namespace(JsonObject obj)
    {
        var meta = (JsonObject)obj["metadata"]!;
        var name = meta["name"]!.GetValue<string>();
        // The NamespaceDefaultLabelName feature: kubernetes.io/metadata.name always equals the name.
        var labels = meta["labels"] as JsonObject ?? new JsonObject();
        labels["kubernetes.io/metadata.name"] = name;
        meta["labels"] = SortKeys(labels);
        var spec = obj["spec"] as JsonObject ?? new JsonObject();
        if (spec["finalizers"] is not JsonArray { Count: > 0 }) spec["finalizers"] = new JsonArray("kubernetes");
        obj["spec"] = spec;
        var status = obj["status"] as JsonObject ?? new JsonObject();
        status["phase"] ??= "Active";
        obj.Remove("status");
        obj["status"] = status;
    }

    private static void Secret(JsonObject obj)
    {
        if (obj["stringData"] is JsonObject sd)
        {
            var data = obj["data"] as JsonObject ?? new JsonObject();
            foreach (var (k, v) in sd)
                data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? ""));
            obj.Remove("stringData");
            obj.Remove("data");
            obj["data"] = SortKeys(data);
        }
        else if (obj["data"] is JsonObject d)
        {
            obj.Remove("data");
            obj["data"] = SortKeys(d);
        }
        var type = obj["type"]?.GetValue<string>();
        obj.Remove("type");
        obj["type"] = string.IsNullOrEmpty(type) ? "Opaque" : type;
    }

    private static void Binding(JsonObject obj)
    {
        // SetDefaults_RoleBinding / SetDefaults_Subject (pkg/apis/rbac/v1/defaults.go).
        // RoleRef is a struct value in Go, so it is defaulted even when the client sent none.
        if (obj["roleRef"] is not JsonObject rr) obj["roleRef"] = rr = new JsonObject();
        if (string.IsNullOrEmpty(rr["apiGroup"]?.GetValue<string>()))
        {
            var copy = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io" };
            foreach (var (k, v) in rr.ToList()) { if (k != "apiGroup") { rr.Remove(k); copy[k] = v; } }
            obj["roleRef"] = copy;
        }
        if (obj["subjects"] is JsonArray subjects)
            foreach (var s in subjects.OfType<JsonObject>())
            {
                var kind = s["kind"]?.GetValue<string>();
                if (string.IsNullOrEmpty(s["apiGroup"]?.GetValue<string>()) && kind is "User" or "Group")
                {
                    // Go struct order: kind, apiGroup, name, namespace.
                    var copy = new JsonObject { ["kind"] = kind, ["apiGroup"] = "rbac.authorization.k8s.io" };
                    foreach (var (k, v) in s.ToList())
                        if (k is not ("kind" or "apiGroup")) copy[k] = v?.DeepClone();
                    s.Clear();
                    foreach (var (k, v) in copy.ToList()) { copy.Remove(k); s[k] = v; }
                }
            }
        // subjects before roleRef, as Go marshals RoleBinding.
        if (obj["roleRef"] is JsonObject roleRef)
        {
            obj.Remove("roleRef");
            obj["roleRef"] = roleRef;
        }
    }

    // Go maps marshal with sorted keys.
    public static JsonObject SortKeys(JsonObject o)
    {
        var sorted = new JsonObject();
        foreach (var (k, v) in o.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList())
            sorted[k] = v?.DeepClone();
        return sorted;
    }

    private static readonly HashSet<string> MapFields = new(StringComparer.Ordinal)
    {
        "labels", "annotations", "data", "binaryData", "stringData", "matchLabels", "nodeSelector",
    };

    /// <summary>The protobuf round trip: empty lists vanish (or become null for fields without omitempty);
    /// empty string-maps vanish; labels and annotations come back with sorted keys.</summary>
    private static void DropEmpty(JsonObject obj, string resource, string path)
    {
        foreach (var (k, v) in obj.ToList())
        {
            switch (v)
            {
                case null when k != "rules":
                    obj.Remove(k);
                    break;
                case JsonArray a when a.Count == 0:
                    obj.Remove(k);
                    break;
                case JsonArray a:
                    foreach (var item in a.OfType<JsonObject>()) DropEmpty(item, resource, path + k + "[].");
                    break;
                case JsonObject o when MapFields.Contains(k):
                    if (o.Count == 0) obj.Remove(k);
                    else if (k is "labels" or "annotations" && path == "metadata.") obj[k] = SortKeys(o);
                    break;
                case JsonObject o:
                    DropEmpty(o, resource, path + k + ".");
                    break;
            }
        }
    }
}
