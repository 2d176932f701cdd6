using System.Text.Json.Nodes;

namespace KubeSandbox.Patching;

/// <summary>
/// Strategic merge patch (application/strategic-merge-patch+json) for the kinds the sandbox serves
/// (k8s.io/apimachinery pkg/util/strategicpatch/patch.go). Maps merge as in a JSON merge patch; lists merge by
/// their patchMergeKey where the Go types declare patchStrategy "merge" (the table below, from the struct tags of
/// k8s.io/api core/v1 and rbac/v1), and are replaced otherwise. Directives: "$patch": "delete" / "replace" on a
/// map or list element, "$deleteFromPrimitiveList/&lt;field&gt;", and the "$setElementOrder/&lt;field&gt;" and
/// "$retainKeys" hints (accepted; order and retention follow the patch).
/// </summary>
public static class StrategicMergePatch
{
    // field path (with [] for list elements) -> merge key ("" = merge a list of primitives as a set).
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["metadata.ownerReferences"] = "uid",
        ["metadata.finalizers"] = "",
        ["secrets"] = "name",                         // ServiceAccount.secrets: patchMergeKey name
        ["spec.containers"] = "name",
        ["spec.initContainers"] = "name",
        ["spec.ephemeralContainers"] = "name",
        ["spec.volumes"] = "name",
        ["spec.imagePullSecrets"] = "name",
        ["spec.containers[].env"] = "name",
        ["spec.containers[].ports"] = "containerPort",
        ["spec.containers[].volumeMounts"] = "mountPath",
        ["spec.containers[].volumeDevices"] = "devicePath",
        ["spec.initContainers[].env"] = "name",
        ["spec.initContainers[].ports"] = "containerPort",
        ["spec.initContainers[].volumeMounts"] = "mountPath",
        ["status.conditions"] = "type",
    };

    // A workload's pod template is a PodTemplateSpec with the same patch strategies as a pod's spec
    // (apps/v1: spec.template; batch/v1 CronJob: spec.jobTemplate.spec.template).
    static StrategicMergePatch()
    {
        foreach (var (path, key) in MergeKeys.Where(kv => kv.Key.StartsWith("spec.", StringComparison.Ordinal)).ToList())
            foreach (var prefix in new[] { "spec.template.", "spec.jobTemplate.spec.template." })
                MergeKeys[prefix + path] = key;
    }

    public static JsonNode Apply(JsonNode original, JsonNode patch)
    {
        if (patch is not JsonObject p) throw new InvalidOperationException("a strategic merge patch must be a JSON object");
        return MergeMap((JsonObject)original.DeepClone(), p, "");
    }

    private static JsonObject MergeMap(JsonObject target, JsonObject patch, string path)
    {
        if (patch["$patch"]?.GetValue<string>() == "replace")
        {
            var replaced = (JsonObject)patch.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }
        foreach (var (key, value) in patch)
        {
            if (key is "$patch" or "$retainKeys") continue;
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal)) continue;
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (target[field] is JsonArray arr && value is JsonArray del)
                    foreach (var d in del)
                        for (var i = arr.Count - 1; i >= 0; i--)
                            if (JsonNode.DeepEquals(arr[i], d)) arr.RemoveAt(i);
                continue;
            }
            var childPath = path.Length == 0 ? key : path + "." + key;
            if (value is null) { target.Remove(key); continue; }
            if (value is JsonObject vo && vo["$patch"]?.GetValue<string>() == "delete") { target.Remove(key); continue; }
            var current = target[key];
            if (value is JsonObject pv && current is JsonObject cv)
                target[key] = MergeMap((JsonObject)cv.DeepClone(), pv, childPath);
            else if (value is JsonArray pa && current is JsonArray ca && MergeKeys.TryGetValue(childPath, out var mergeKey))
                target[key] = MergeList(ca, pa, mergeKey, childPath);
            else if (value is JsonObject pv2)
                target[key] = MergeMap(new JsonObject(), pv2, childPath);
            else if (value is JsonArray pa2)
                target[key] = StripDirectives(pa2);
            else
                target[key] = value.DeepClone();
        }
        return target;
    }

    private static JsonArray StripDirectives(JsonArray list)
    {
        var result = new JsonArray();
        foreach (var item in list)
        {
            if (item is JsonObject o && o.ContainsKey("$patch")) continue;
            result.Add(item?.DeepClone());
        }
        return result;
    }

    private static JsonArray MergeList(JsonArray current, JsonArray patch, string mergeKey, string path)
    {
        var result = (JsonArray)current.DeepClone();
        if (mergeKey.Length == 0)
        {
            foreach (var item in patch)
                if (!result.Any(x => JsonNode.DeepEquals(x, item))) result.Add(item?.DeepClone());
            return result;
        }
        foreach (var item in patch)
        {
            if (item is not JsonObject pi) { result.Add(item?.DeepClone()); continue; }
            var keyValue = pi[mergeKey];
            var directive = pi["$patch"]?.GetValue<string>();
            var index = -1;
            for (var i = 0; i < result.Count; i++)
                if (result[i] is JsonObject ri && JsonNode.DeepEquals(ri[mergeKey], keyValue)) { index = i; break; }
            if (directive == "delete")
            {
                if (index >= 0) result.RemoveAt(index);
                continue;
            }
            if (index >= 0)
                result[index] = MergeMap((JsonObject)result[index]!.DeepClone(), pi, path + "[]");
            else
                result.Add(MergeMap(new JsonObject(), pi, path + "[]"));
        }
        return result;
    }
}
