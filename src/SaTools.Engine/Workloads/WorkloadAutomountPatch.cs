using System.Text.Json.Nodes;
using SaTools.Engine.Automount;

namespace SaTools.Engine.Workloads;

/// <summary>
/// The JSON merge patch (RFC 7386) that sets or removes only the pod template's
/// <c>automountServiceAccountToken</c> (spec.template.spec; spec.jobTemplate.spec.template.spec for a CronJob),
/// conditioned on the resourceVersion the decision was made on: if the workload changed in between, the server
/// answers 409 Conflict (k8s.io/apiserver pkg/registry/generic/registry/store.go, Update: "the object has been
/// modified") and the writer reads and decides again, instead of writing over a change it has not seen.
/// </summary>
internal static class WorkloadAutomountPatch
{
    public static string Body(WorkloadKind kind, bool? value, string? resourceVersion)
    {
        var podSpec = new JsonObject { [AutomountPatch.FieldName] = value is bool b ? JsonValue.Create(b) : null };
        var template = new JsonObject { ["spec"] = podSpec };
        JsonObject spec = kind == WorkloadKind.CronJob
            ? new JsonObject { ["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = template } } }
            : new JsonObject { ["template"] = template };
        var body = new JsonObject { ["spec"] = spec };
        if (!string.IsNullOrEmpty(resourceVersion))
        {
            body["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion };
        }
        return body.ToJsonString();
    }
}
