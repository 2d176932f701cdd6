using SaTools.Engine.Pods;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Audit.Checks;

/// <summary>SA08: a pod declares a projected serviceAccountToken without an audience or with expirationSeconds
/// over 3600 (unset is the API's default of 3600). The admission plugin's kube-api-access-* volume is not the
/// pod author's declaration and is not judged (<see cref="TokenMountRule.DeclaredTokenProjections"/>).</summary>
internal sealed class Sa08ProjectedTokenSettings : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA08", "Projected token without audience or with long expiry", AuditSeverity.Low, "Low",
        "Checklist: \"Use projected tokens with explicit expiration and audience\"; " +
        "kubernetes.io/docs/tasks/configure-pod-container/configure-service-account (ServiceAccount token volume projection)",
        "pods");

    public CheckOutcome Evaluate(AuditContext context)
    {
        var findings = new List<AuditFinding>();
        var usage = context.Usage;
        var pods = context.UsagePods;
        for (var i = 0; i < usage.Count; i++)
        {
            var row = usage[i];
            var declared = pods[i].DeclaredTokenProjections;
            if (declared.Count == 0) continue;
            var problems = new List<string>();
            foreach (var (volume, projection) in declared)
            {
                var reasons = new List<string>();
                if (string.IsNullOrEmpty(projection.Audience)) reasons.Add("no audience (the API server's own)");
                if (projection.ExpirationSeconds is { } seconds && seconds > TokenMountRule.MaxExpirationSeconds) reasons.Add($"expirationSeconds {seconds}");
                if (reasons.Count > 0) problems.Add($"volume '{volume}': {string.Join(", ", reasons)}");
            }
            if (problems.Count == 0) continue;
            var where = row.OwnerKind is null ? $"pod/{row.Pod}" : $"{row.OwnerKind.ToLowerInvariant()}/{row.OwnerName}";
            findings.Add(Definition.Finding("Pod", row.Namespace, row.Pod, row.ServiceAccount,
                $"Pod {row.Namespace}/{row.Pod} declares a projected serviceAccountToken with {string.Join("; ", problems)}.",
                $"kubectl edit {where} -n {row.Namespace}  # set audience to the service that reads the token and expirationSeconds to 3600 or less",
                workloadKind: row.OwnerKind, workloadName: row.OwnerName));
        }
        return new CheckOutcome(Definition, context.Usage.Count, findings);
    }
}
