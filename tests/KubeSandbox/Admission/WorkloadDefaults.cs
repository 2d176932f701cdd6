using System.Text.Json.Nodes;

namespace KubeSandbox.Admission;

/// <summary>
/// What the real server does to the apps/v1 and batch/v1 workloads before storing them: the v1 defaulters
/// (pkg/apis/apps/v1/defaults.go SetDefaults_Deployment, _ReplicaSet, _StatefulSet, _DaemonSet;
/// pkg/apis/batch/v1/defaults.go SetDefaults_Job, _CronJob; the pod template gets SetDefaults_PodSpec and
/// SetDefaults_Container), and the registry strategies (pkg/registry/apps/*/strategy.go,
/// pkg/registry/batch/{job,cronjob}/strategy.go): PrepareForCreate clears the status and sets generation 1;
/// PrepareForUpdate keeps the status and bumps generation when the spec changes. Spec fields are written in the
/// Go structs' order. The controllers are not emulated: status stays as created (the scenarios write pods
/// and owners by hand, as the recorded README says the controllers' work was done).
/// </summary>
public static class WorkloadDefaults
{
    public static bool Applies(string resource) =>
        resource is "deployments" or "replicasets" or "statefulsets" or "daemonsets" or "jobs" or "cronjobs";

    public static void Apply(string resource, JsonObject obj, JsonObject? current)
    {
        var spec = obj["spec"] as JsonObject ?? new JsonObject();
        spec = resource switch
        {
            "deployments" => Ordered(spec,
                ("replicas", 1), ("selector", null), ("template", null),
                ("strategy", new JsonObject()), ("minReadySeconds", null), ("revisionHistoryLimit", 10), ("paused", null),
                ("progressDeadlineSeconds", 600)),
            "replicasets" => Ordered(spec, ("replicas", 1), ("minReadySeconds", null), ("selector", null), ("template", null)),
            "statefulsets" => Ordered(spec,
                ("replicas", 1), ("selector", null), ("template", null), ("volumeClaimTemplates", null),
                ("serviceName", null), ("podManagementPolicy", "OrderedReady"), ("updateStrategy", new JsonObject()),
                ("revisionHistoryLimit", 10), ("minReadySeconds", null), ("persistentVolumeClaimRetentionPolicy", null),
                ("ordinals", null)),
            "daemonsets" => Ordered(spec,
                ("selector", null), ("template", null), ("updateStrategy", new JsonObject()), ("minReadySeconds", null),
                ("revisionHistoryLimit", 10)),
            "jobs" => JobSpec(spec),
            _ => Ordered(spec,
                ("schedule", null), ("timeZone", null), ("startingDeadlineSeconds", null), ("concurrencyPolicy", "Allow"),
                ("suspend", false), ("jobTemplate", null), ("successfulJobsHistoryLimit", 3), ("failedJobsHistoryLimit", 1)),
        };
        switch (resource)
        {
            case "deployments":
                // SetDefaults_Deployment: RollingUpdate with 25% / 25%.
                var strategy = spec["strategy"] as JsonObject ?? new JsonObject();
                var type = strategy["type"]?.GetValue<string>() ?? "RollingUpdate";
                var ds = new JsonObject { ["type"] = type };
                if (type == "RollingUpdate")
                {
                    var ru = strategy["rollingUpdate"] as JsonObject ?? new JsonObject();
                    ds["rollingUpdate"] = new JsonObject
                    {
                        ["maxUnavailable"] = ru["maxUnavailable"]?.DeepClone() ?? "25%",
                        ["maxSurge"] = ru["maxSurge"]?.DeepClone() ?? "25%",
                    };
                }
                spec["strategy"] = ds;
                break;
            case "statefulsets":
                // SetDefaults_StatefulSet: RollingUpdate with partition 0.
                var su = spec["updateStrategy"] as JsonObject ?? new JsonObject();
                var sType = su["type"]?.GetValue<string>() ?? "RollingUpdate";
                var sOut = new JsonObject { ["type"] = sType };
                if (sType == "RollingUpdate")
                    sOut["rollingUpdate"] = new JsonObject { ["partition"] = su["rollingUpdate"]?["partition"]?.DeepClone() ?? 0 };
                spec["updateStrategy"] = sOut;
                break;
            case "daemonsets":
                // SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1, maxSurge 0.
                var du = spec["updateStrategy"] as JsonObject ?? new JsonObject();
                var dType = du["type"]?.GetValue<string>() ?? "RollingUpdate";
                var dOut = new JsonObject { ["type"] = dType };
                if (dType == "RollingUpdate")
                    dOut["rollingUpdate"] = new JsonObject
                    {
                        ["maxUnavailable"] = du["rollingUpdate"]?["maxUnavailable"]?.DeepClone() ?? 1,
                        ["maxSurge"] = du["rollingUpdate"]?["maxSurge"]?.DeepClone() ?? 0,
                    };
                spec["updateStrategy"] = dOut;
                break;
        }
        if (spec["template"] is JsonObject template) spec["template"] = Template(template);
        if (spec["jobTemplate"] is JsonObject jt && jt["spec"]?["template"] is JsonObject jtt)
            ((JsonObject)jt["spec"]!)["template"] = Template(jtt);
        obj["spec"] = spec;

        var meta = (JsonObject)obj["metadata"]!;
        obj.Remove("status");
        if (current is null)
        {
            meta["generation"] = 1;
            obj["status"] = InitialStatus(resource);
            // pkg/registry/batch/job/strategy.go PrepareForCreate (v1.26, JobTrackingWithFinalizers on): the job
            // is tracked with pod finalizers, announced by this annotation.
            if (resource == "jobs")
            {
                var annotations = meta["annotations"] as JsonObject ?? new JsonObject();
                annotations["batch.kubernetes.io/job-tracking"] ??= "";
                meta["annotations"] = annotations;
            }
            return;
        }
        var curMeta = (JsonObject)current["metadata"]!;
        var generation = curMeta["generation"] is { } g ? long.Parse(g.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) : 1;
        // PrepareForUpdate: a spec change is a new generation (Deployments also count annotation changes,
        // pkg/registry/apps/deployment/strategy.go).
        var changed = !JsonNode.DeepEquals(spec, current["spec"])
            || (resource == "deployments" && !JsonNode.DeepEquals(meta["annotations"], curMeta["annotations"]));
        meta["generation"] = changed ? generation + 1 : generation;
        obj["status"] = current["status"]?.DeepClone() ?? InitialStatus(resource);
    }

    /// <summary>The zero status as Go marshals it: fields without omitempty stay as 0.</summary>
    private static JsonObject InitialStatus(string resource) => resource switch
    {
        "replicasets" => new JsonObject { ["replicas"] = 0 },
        "statefulsets" => new JsonObject { ["replicas"] = 0, ["availableReplicas"] = 0 },
        "daemonsets" => new JsonObject
        {
            ["currentNumberScheduled"] = 0, ["numberMisscheduled"] = 0, ["desiredNumberScheduled"] = 0, ["numberReady"] = 0,
        },
        _ => new JsonObject(),
    };

    /// <summary>SetDefaults_Job: completions 1 when parallelism is unset too, parallelism 1, backoffLimit 6,
    /// completionMode NonIndexed, suspend false.</summary>
    private static JsonObject JobSpec(JsonObject spec)
    {
        var bothUnset = spec["completions"] is null && spec["parallelism"] is null;
        return Ordered(spec,
            ("parallelism", 1),
            ("completions", bothUnset ? 1 : null), ("activeDeadlineSeconds", null), ("podFailurePolicy", null),
            ("backoffLimit", 6), ("selector", null), ("manualSelector", null), ("template", null),
            ("ttlSecondsAfterFinished", null), ("completionMode", "NonIndexed"), ("suspend", false));
    }

    private static JsonObject Template(JsonObject template)
    {
        var o = new JsonObject();
        if (template["metadata"] is JsonObject m) { template.Remove("metadata"); o["metadata"] = m; }
        var spec = template["spec"] as JsonObject ?? new JsonObject();
        template.Remove("spec");
        o["spec"] = PodDefaults.Spec(spec, isPod: false);
        return o;
    }

    /// <summary>The spec's fields in the given order with their defaults (null: no default); unknown fields after.</summary>
    private static JsonObject Ordered(JsonObject spec, params (string Name, JsonNode? Default)[] fields)
    {
        var o = new JsonObject();
        foreach (var (name, def) in fields)
        {
            if (spec[name] is { } v) { spec.Remove(name); o[name] = v; }
            else if (def is not null) o[name] = def;
        }
        foreach (var (k, v) in spec.ToList())
        {
            spec.Remove(k);
            o[k] = v;
        }
        return o;
    }
}
