using SaTools.Engine.Pods;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Audit.Checks;

/// <summary>
/// SA02: a pod carries a token the API server accepts (automounted, or a projected serviceAccountToken with no
/// audience, which defaults to the API server's: core/v1 ServiceAccountTokenProjection.audience) although its
/// ServiceAccount may do nothing beyond the baseline, so the token serves no purpose and only helps an attacker.
/// </summary>
internal sealed class Sa02TokenWithoutPermissions : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA02", "Pod carries an API token it has no use for", AuditSeverity.Low, "Low",
        "Checklist: \"Set automountServiceAccountToken: false on every pod that does not call the Kubernetes API\"; " +
        "kubernetes.io/docs/concepts/security/service-accounts (Opt out of API credential automounting)",
        "pods");

    public CheckOutcome Evaluate(AuditContext context)
    {
        var findings = new List<AuditFinding>();
        var usage = context.Usage;
        var pods = context.UsagePods;
        for (var i = 0; i < usage.Count; i++)
        {
            var row = usage[i];
            var apiVolume = pods[i].ApiServerTokenVolume;
            if (!TokenMountRule.Effective(row.AutomountPod, row.AutomountServiceAccount, apiVolume)) continue;
            var sa = new Rbac.ServiceAccountRef(row.Namespace, row.ServiceAccount);
            if (context.BeyondBaseline(sa).Count > 0) continue;

            var how = apiVolume && row.AutomountPod == false
                ? "a projected serviceAccountToken volume without an audience (accepted by the API server)"
                : "an automounted token (" + AutomountReason(row) + ")";
            var owner = row.OwnerKind is null ? "the pod" : $"{row.OwnerKind}/{row.OwnerName}";
            findings.Add(Definition.Finding("Pod", row.Namespace, row.Pod, row.ServiceAccount,
                $"Pod {row.Namespace}/{row.Pod} ({owner}) carries {how}, but ServiceAccount {row.ServiceAccount} has no permissions beyond what every ServiceAccount has.",
                Remediation(row),
                workloadKind: row.OwnerKind, workloadName: row.OwnerName));
        }
        return new CheckOutcome(Definition, context.Usage.Count, findings);
    }

    private static string AutomountReason(PodUsage row) =>
        row.AutomountPod == true ? "the pod sets automountServiceAccountToken: true"
        : row.AutomountServiceAccount == true ? "the ServiceAccount sets automountServiceAccountToken: true"
        : "automountServiceAccountToken is set neither in the pod nor in the ServiceAccount";

    internal static string Remediation(PodUsage row)
    {
        const string off = "{\"automountServiceAccountToken\":false}";
        return row.OwnerKind switch
        {
            null => $"Set automountServiceAccountToken: false in the spec of pod {row.Pod} and recreate it (pods cannot be patched there)",
            "CronJob" => $"kubectl patch cronjob {row.OwnerName} -n {row.Namespace} --type merge -p '{{\"spec\":{{\"jobTemplate\":{{\"spec\":{{\"template\":{{\"spec\":{off}}}}}}}}}}}'",
            _ => $"kubectl patch {row.OwnerKind.ToLowerInvariant()} {row.OwnerName} -n {row.Namespace} --type merge -p '{{\"spec\":{{\"template\":{{\"spec\":{off}}}}}}}'",
        };
    }
}
