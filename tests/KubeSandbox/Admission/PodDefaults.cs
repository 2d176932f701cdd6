using System.Text.Json.Nodes;

namespace KubeSandbox.Admission;

/// <summary>
/// The defaults a created Pod gets from the real server: pkg/apis/core/v1/defaults.go (SetDefaults_Pod,
/// SetDefaults_PodSpec, SetDefaults_Container), the DefaultTolerationSeconds and Priority admission plugins,
/// and the registry's initial status (Pending, QoS class BestEffort without resources). Field order follows the
/// Go structs, as the recorded pods show (tr-setup-pod-runner).
/// </summary>
public static class PodDefaults
{
    public static void Apply(JsonObject pod)
    {
        var ordered = Spec(pod["spec"] as JsonObject ?? new JsonObject(), isPod: true);
        pod["spec"] = ordered;
        if (pod["status"] is not JsonObject { Count: > 0 })
        {
            pod.Remove("status");
            pod["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(ordered) };
        }
    }

    /// <summary>
    /// A PodSpec with SetDefaults_PodSpec and SetDefaults_Container applied, in Go field order. A pod (isPod) also
    /// gets what only pods get: SetDefaults_Pod's enableServiceLinks and the DefaultTolerationSeconds and Priority
    /// admission plugins; a workload's pod template (spec.template.spec) does not.
    /// </summary>
    public static JsonObject Spec(JsonObject spec, bool isPod)
    {
        foreach (var listName in new[] { "initContainers", "containers" })
            if (spec[listName] is JsonArray containers)
                for (var i = 0; i < containers.Count; i++)
                    if (containers[i] is JsonObject c) containers[i] = Container(c);
        var ordered = new JsonObject();
        // Values move from the given spec into the ordered one (a node has one parent): no copies.
        void Take(string k, JsonNode? def = null)
        {
            if (spec[k] is { } v) { spec.Remove(k); ordered[k] = v; }
            else if (def is not null) ordered[k] = def;
        }
        Take("volumes");
        Take("initContainers");
        Take("containers");
        Take("ephemeralContainers");
        Take("restartPolicy", "Always");
        Take("terminationGracePeriodSeconds", 30);
        Take("activeDeadlineSeconds");
        Take("dnsPolicy", "ClusterFirst");
        Take("nodeSelector");
        Take("serviceAccountName");
        // serviceAccount is the deprecated mirror of serviceAccountName (SetDefaults_PodSpec).
        if (ordered["serviceAccountName"] is { } san) { spec.Remove("serviceAccount"); ordered["serviceAccount"] = san.DeepClone(); }
        else Take("serviceAccount");
        Take("automountServiceAccountToken");
        Take("nodeName");
        Take("hostNetwork");
        Take("hostPID");
        Take("hostIPC");
        Take("shareProcessNamespace");
        Take("securityContext", new JsonObject());
        Take("imagePullSecrets");
        Take("hostname");
        Take("subdomain");
        Take("affinity");
        Take("schedulerName", "default-scheduler");
        if (isPod)
        {
            var tolerations = spec["tolerations"] as JsonArray ?? new JsonArray();
            AddDefaultToleration(tolerations, "node.kubernetes.io/not-ready");
            AddDefaultToleration(tolerations, "node.kubernetes.io/unreachable");
            spec.Remove("tolerations");
            ordered["tolerations"] = tolerations;
        }
        else Take("tolerations");
        Take("hostAliases");
        Take("priorityClassName");
        Take("priority", isPod ? 0 : null);
        Take("dnsConfig");
        Take("readinessGates");
        Take("runtimeClassName");
        Take("enableServiceLinks", isPod ? true : null);
        Take("preemptionPolicy", isPod ? "PreemptLowerPriority" : null);
        Take("overhead");
        Take("topologySpreadConstraints");
        Take("setHostnameAsFQDN");
        Take("os");
        Take("hostUsers");
        Take("schedulingGates");
        Take("resourceClaims");
        foreach (var (k, v) in spec.ToList())
            if (!ordered.ContainsKey(k)) { spec.Remove(k); ordered[k] = v; }
        return ordered;
    }

    // DefaultTolerationSeconds admission plugin: 300 s for not-ready and unreachable, unless already tolerated.
    private static void AddDefaultToleration(JsonArray tolerations, string key)
    {
        if (tolerations.OfType<JsonObject>().Any(t => t["key"]?.GetValue<string>() == key && t["effect"]?.GetValue<string>() is "NoExecute" or null))
            return;
        tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 });
    }

    private static JsonObject Container(JsonObject c)
    {
        var o = new JsonObject();
        void Take(string k, JsonNode? def = null)
        {
            if (c[k] is { } v) { c.Remove(k); o[k] = v; }
            else if (def is not null) o[k] = def;
        }
        Take("name");
        Take("image");
        Take("command");
        Take("args");
        Take("workingDir");
        Take("ports");
        Take("envFrom");
        Take("env");
        Take("resources", new JsonObject());
        Take("volumeMounts");
        Take("volumeDevices");
        Take("livenessProbe");
        Take("readinessProbe");
        Take("startupProbe");
        Take("lifecycle");
        Take("terminationMessagePath", "/dev/termination-log");
        Take("terminationMessagePolicy", "File");
        // SetDefaults_Container: Always for :latest or an untagged image, else IfNotPresent.
        var image = o["image"]?.GetValue<string>() ?? "";
        var lastSegment = image.Split('@')[0].Split('/')[^1];
        var tag = lastSegment.Contains(':') ? lastSegment[(lastSegment.LastIndexOf(':') + 1)..] : "";
        Take("imagePullPolicy", image.Contains('@') || (tag.Length > 0 && tag != "latest") ? "IfNotPresent" : "Always");
        Take("securityContext");
        Take("stdin");
        Take("stdinOnce");
        Take("tty");
        foreach (var (k, v) in c.ToList())
            if (!o.ContainsKey(k)) { c.Remove(k); o[k] = v; }
        return o;
    }

    private static string QosClass(JsonObject spec)
    {
        var any = false;
        var guaranteed = true;
        foreach (var c in (spec["containers"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
        {
            var req = c["resources"]?["requests"] as JsonObject;
            var lim = c["resources"]?["limits"] as JsonObject;
            if (req is { Count: > 0 } || lim is { Count: > 0 }) any = true;
            if (lim?["cpu"] is null || lim?["memory"] is null) guaranteed = false;
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
