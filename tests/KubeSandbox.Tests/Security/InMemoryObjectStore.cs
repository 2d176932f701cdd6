using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.Tests.Security;

/// <summary>A minimal <see cref="IObjectStore"/> for the security unit tests: uid, resourceVersion and
/// creationTimestamp set on create, copies in and out, change events after each write.</summary>
internal sealed class InMemoryObjectStore : IObjectStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string, string, string), JsonObject> _objects = new();
    private long _rv = 100;

    public event Action<StoreChange>? Changed;

    public JsonObject? Get(string resource, string? ns, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue((resource, ns ?? "", name), out var o) ? (JsonObject)o.DeepClone() : null;
        }
    }

    public IReadOnlyList<JsonObject> List(string resource, string? ns)
    {
        lock (_gate)
        {
            return _objects.Where(kv => kv.Key.Item1 == resource && (ns is null || kv.Key.Item2 == ns))
                .OrderBy(kv => kv.Key.Item2, StringComparer.Ordinal).ThenBy(kv => kv.Key.Item3, StringComparer.Ordinal)
                .Select(kv => (JsonObject)kv.Value.DeepClone()).ToList();
        }
    }

    public JsonObject Create(string resource, string? ns, JsonObject obj)
    {
        JsonObject stored;
        string name;
        lock (_gate)
        {
            stored = (JsonObject)obj.DeepClone();
            if (stored["metadata"] is not JsonObject metadata)
            {
                metadata = new JsonObject();
                stored["metadata"] = metadata;
            }
            name = (string)metadata["name"]!;
            if (ns is not null)
            {
                metadata["namespace"] = ns;
            }
            if (_objects.ContainsKey((resource, ns ?? "", name)))
            {
                throw new ApiException(409, "AlreadyExists", $"{resource} \"{name}\" already exists");
            }
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["resourceVersion"] = (++_rv).ToString();
            metadata["creationTimestamp"] = "2026-01-01T00:00:00Z";
            _objects[(resource, ns ?? "", name)] = stored;
            stored = (JsonObject)stored.DeepClone();
        }
        Changed?.Invoke(new StoreChange(StoreChangeKind.Created, resource, ns, name, stored));
        return stored;
    }

    public JsonObject Mutate(string resource, string? ns, string name, Action<JsonObject> change)
    {
        JsonObject result;
        lock (_gate)
        {
            if (!_objects.TryGetValue((resource, ns ?? "", name), out var o))
            {
                throw new ApiException(404, "NotFound", $"{resource} \"{name}\" not found");
            }
            var copy = (JsonObject)o.DeepClone();
            change(copy);
            copy["metadata"]!["resourceVersion"] = (++_rv).ToString();
            _objects[(resource, ns ?? "", name)] = copy;
            result = (JsonObject)copy.DeepClone();
        }
        Changed?.Invoke(new StoreChange(StoreChangeKind.Updated, resource, ns, name, result));
        return result;
    }

    public JsonObject Delete(string resource, string? ns, string name)
    {
        JsonObject removed;
        lock (_gate)
        {
            if (!_objects.Remove((resource, ns ?? "", name), out removed!))
            {
                throw new ApiException(404, "NotFound", $"{resource} \"{name}\" not found");
            }
        }
        Changed?.Invoke(new StoreChange(StoreChangeKind.Deleted, resource, ns, name, removed));
        return removed;
    }

    // ---- seeding helpers
    public JsonObject AddServiceAccount(string ns, string name) =>
        Create("serviceaccounts", ns, new JsonObject { ["kind"] = "ServiceAccount", ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["name"] = name } });

    public JsonObject AddPod(string ns, string name, string serviceAccount) =>
        Create("pods", ns, new JsonObject
        {
            ["kind"] = "Pod",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject { ["serviceAccountName"] = serviceAccount },
        });

    public JsonObject AddSecret(string ns, string name, string? type = null, string? serviceAccount = null)
    {
        var secret = new JsonObject { ["kind"] = "Secret", ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["name"] = name } };
        if (type is not null) secret["type"] = type;
        if (serviceAccount is not null)
        {
            secret["metadata"]!["annotations"] = new JsonObject { ["kubernetes.io/service-account.name"] = serviceAccount };
        }
        return Create("secrets", ns, secret);
    }

    public void AddRole(string? ns, string name, params JsonObject[] rules) =>
        Create(ns is null ? "clusterroles" : "roles", ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["rules"] = new JsonArray(rules.Select(r => (JsonNode)r).ToArray()),
        });

    public void AddBinding(string? ns, string name, string roleKind, string roleName, params JsonObject[] subjects) =>
        Create(ns is null ? "clusterrolebindings" : "rolebindings", ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = roleKind, ["name"] = roleName },
            ["subjects"] = new JsonArray(subjects.Select(s => (JsonNode)s).ToArray()),
        });

    public static JsonObject Rule(string[] verbs, string[] groups, string[] resources, string[]? names = null)
    {
        var rule = new JsonObject
        {
            ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
            ["apiGroups"] = new JsonArray(groups.Select(v => (JsonNode)v).ToArray()),
            ["resources"] = new JsonArray(resources.Select(v => (JsonNode)v).ToArray()),
        };
        if (names is not null) rule["resourceNames"] = new JsonArray(names.Select(v => (JsonNode)v).ToArray());
        return rule;
    }

    public static JsonObject NonResourceRule(string[] verbs, params string[] urls) => new()
    {
        ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
        ["nonResourceURLs"] = new JsonArray(urls.Select(v => (JsonNode)v).ToArray()),
    };

    public static JsonObject ServiceAccountSubject(string name, string? ns = null)
    {
        var s = new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name };
        if (ns is not null) s["namespace"] = ns;
        return s;
    }

    public static JsonObject GroupSubject(string name) =>
        new() { ["kind"] = "Group", ["apiGroup"] = "rbac.authorization.k8s.io", ["name"] = name };
}
