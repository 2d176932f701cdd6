using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeSandbox.Http;

/// <summary>
/// metadata.managedFields for writes through the API (operation Update), as the real server's field manager
/// keeps them (k8s.io/apiserver pkg/endpoints/handlers/fieldmanager, sigs.k8s.io/structured-merge-diff): the
/// manager (the fieldManager query parameter, else the User-Agent's product, "kubectl" for "kubectl/v1.32.0 ...")
/// owns every field it set; an update gives the writer the fields it changed and takes them from the others.
/// Fields are written in FieldsV1 form: "f:name" for a field, "." for a map itself, "k:{...}" for an element of a
/// keyed list (containers by name, volumes by name, ...); other lists are atomic. The system fields stripped by
/// stripmeta.go (apiVersion, kind, name, namespace, uid, resourceVersion, creationTimestamp, generation,
/// managedFields) and, for kinds with a status subresource, status, are never owned.
/// </summary>
public static class FieldManager
{
    private static readonly HashSet<string> MapFields = new(StringComparer.Ordinal)
    {
        "labels", "annotations", "data", "binaryData", "nodeSelector", "matchLabels", "limits", "requests", "capacity",
    };

    // list field -> key fields (x-kubernetes-list-map-keys of the OpenAPI schemas).
    private static readonly Dictionary<string, string[]> ListKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = new[] { "name" },
        ["initContainers"] = new[] { "name" },
        ["ephemeralContainers"] = new[] { "name" },
        ["volumes"] = new[] { "name" },
        ["env"] = new[] { "name" },
        ["volumeMounts"] = new[] { "mountPath" },
        ["ports"] = new[] { "containerPort", "protocol" },
        ["ownerReferences"] = new[] { "uid" },
        ["secrets"] = new[] { "name" },
        ["imagePullSecrets"] = new[] { "name" },
    };

    private static readonly HashSet<string> StrippedMeta = new(StringComparer.Ordinal)
    {
        "name", "namespace", "uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
    };

    /// <summary>The manager name of a request (managerOrUserAgent in the handlers).</summary>
    public static string ManagerName(string? fieldManager, string? userAgent)
    {
        if (!string.IsNullOrEmpty(fieldManager)) return fieldManager;
        var ua = userAgent ?? "";
        var slash = ua.IndexOf('/');
        var prefix = slash >= 0 ? ua[..slash] : ua;
        return prefix.Length == 0 ? "unknown" : prefix;
    }

    /// <summary>Sets managedFields on a created object: the manager owns all its fields.</summary>
    public static void OnCreate(JsonObject obj, string resource, string manager, string apiVersion, string time)
    {
        var fields = Leaves(obj, resource);
        var meta = (JsonObject)obj["metadata"]!;
        meta.Remove("managedFields");
        if (fields.Count == 0) return;
        meta["managedFields"] = new JsonArray(Entry(manager, apiVersion, time, fields.Keys));
    }

    /// <summary>Carries managedFields over an update by <paramref name="manager"/>.</summary>
    public static void OnUpdate(JsonObject oldObj, JsonObject newObj, string resource, string manager, string apiVersion, string time)
    {
        var meta = (JsonObject)newObj["metadata"]!;
        meta.Remove("managedFields");
        var oldEntries = (oldObj["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>().ToList() ?? new List<JsonObject>();
        var oldLeaves = Leaves(oldObj, resource);
        var newLeaves = Leaves(newObj, resource);
        if (oldLeaves.Count == newLeaves.Count && oldLeaves.All(kv => newLeaves.TryGetValue(kv.Key, out var v) && v == kv.Value))
        {
            // Nothing changed: keep the old ownership as it was.
            if (oldEntries.Count > 0) meta["managedFields"] = new JsonArray(oldEntries.Select(e => e.DeepClone()).ToArray());
            return;
        }
        var changed = newLeaves.Where(kv => !oldLeaves.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        var removed = oldLeaves.Keys.Where(k => !newLeaves.ContainsKey(k)).ToHashSet(StringComparer.Ordinal);
        var entries = new JsonArray();
        var found = false;
        foreach (var e in oldEntries)
        {
            var set = Flatten(e["fieldsV1"] as JsonObject);
            var isMine = e["manager"]?.GetValue<string>() == manager && e["operation"]?.GetValue<string>() == "Update" && e["subresource"] is null;
            if (isMine)
            {
                found = true;
                set.UnionWith(changed);
                set.ExceptWith(removed);
                if (set.Count > 0) entries.Add(Entry(manager, apiVersion, time, set));
            }
            else
            {
                set.ExceptWith(changed);
                set.ExceptWith(removed);
                if (set.Count > 0)
                {
                    var copy = (JsonObject)e.DeepClone();
                    copy["fieldsV1"] = Nest(set);
                    entries.Add(copy);
                }
            }
        }
        if (!found && changed.Count > 0) entries.Add(Entry(manager, apiVersion, time, changed));
        if (entries.Count > 0) meta["managedFields"] = entries;
    }

    private static JsonObject Entry(string manager, string apiVersion, string time, IEnumerable<string> fields) => new()
    {
        ["manager"] = manager,
        ["operation"] = "Update",
        ["apiVersion"] = apiVersion,
        ["time"] = time,
        ["fieldsType"] = "FieldsV1",
        ["fieldsV1"] = Nest(fields),
    };

    /// <summary>Every owned leaf path ("f:metadata\u0001f:labels\u0001f:app") with its value's JSON.</summary>
    private static Dictionary<string, string> Leaves(JsonObject obj, string resource)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in obj)
        {
            if (k is "apiVersion" or "kind") continue;
            if (k == "status" && resource is "pods" or "namespaces") continue;
            if (k == "metadata" && v is JsonObject meta)
            {
                foreach (var (mk, mv) in meta)
                    if (!StrippedMeta.Contains(mk)) Walk(mk, mv, "f:metadata", result);
                continue;
            }
            Walk(k, v, "", result);
        }
        return result;
    }

    private const char Sep = '\u0001';

    private static string Join(string prefix, string seg) => prefix.Length == 0 ? seg : prefix + Sep + seg;

    private static void Walk(string key, JsonNode? value, string prefix, Dictionary<string, string> result)
    {
        var path = Join(prefix, "f:" + key);
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                if (MapFields.Contains(key)) result[Join(path, ".")] = "";
                foreach (var (k, v) in o) Walk(k, v, path, result);
                break;
            case JsonArray a when ListKeys.TryGetValue(key, out var keys) && a.All(x => x is JsonObject):
                foreach (var item in a.OfType<JsonObject>())
                {
                    var keyObj = new JsonObject();
                    foreach (var kf in keys)
                        if (item[kf] is { } kv) keyObj[kf] = kv.DeepClone();
                    var itemPath = Join(path, "k:" + keyObj.ToJsonString());
                    result[Join(itemPath, ".")] = "";
                    foreach (var (k, v) in item)
                        if (!keys.Contains(k)) Walk(k, v, itemPath, result);
                        else result[Join(itemPath, "f:" + k)] = v?.ToJsonString() ?? "null";
                }
                break;
            default:
                result[path] = value?.ToJsonString() ?? "null";
                break;
        }
    }

    private static HashSet<string> Flatten(JsonObject? fields)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Go(JsonObject node, string prefix)
        {
            foreach (var (k, v) in node)
            {
                var p = Join(prefix, k);
                if (v is JsonObject child && child.Count > 0) Go(child, p);
                else set.Add(p);
            }
        }
        if (fields is not null) Go(fields, "");
        return set;
    }

    private static JsonObject Nest(IEnumerable<string> paths)
    {
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in paths)
        {
            var node = root;
            foreach (var seg in p.Split(Sep))
            {
                if (!node.TryGetValue(seg, out var child)) node[seg] = child = new SortedDictionary<string, object>(StringComparer.Ordinal);
                node = (SortedDictionary<string, object>)child;
            }
        }
        JsonObject ToJson(SortedDictionary<string, object> n)
        {
            var o = new JsonObject();
            foreach (var (k, v) in n) o[k] = ToJson((SortedDictionary<string, object>)v);
            return o;
        }
        return ToJson(root);
    }
}
