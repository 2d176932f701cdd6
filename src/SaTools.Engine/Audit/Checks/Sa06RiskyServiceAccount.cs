using SaTools.Engine.Rbac;

namespace SaTools.Engine.Audit.Checks;

/// <summary>SA06: a ServiceAccount's RiskLevel, exactly as Get-K8sEffectivePermission -Summary gives it
/// (<see cref="RiskAssessor"/>), is High or Critical; the finding's severity is that level.</summary>
internal sealed class Sa06RiskyServiceAccount : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA06", "ServiceAccount with High or Critical RBAC risk", AuditSeverity.High, "the RiskLevel (High or Critical)",
        "kubernetes.io/docs/concepts/security/rbac-good-practices (Kubernetes RBAC - privilege escalation risks)",
        "ServiceAccounts");

    public CheckOutcome Evaluate(AuditContext context)
    {
        var findings = new List<AuditFinding>();
        foreach (var sa in context.ServiceAccounts)
        {
            var key = AuditContext.Ref(sa);
            if (context.RiskLevel(key) < RiskLevel.High) continue;
            var summary = context.Summary(key);
            var severity = summary.RiskLevel == RiskLevel.Critical ? AuditSeverity.Critical : AuditSeverity.High;
            var reasons = summary.RiskReasons.Where(r => r.StartsWith("High", StringComparison.Ordinal) || r.StartsWith("Critical", StringComparison.Ordinal));
            findings.Add(Definition.Finding("ServiceAccount", key.Namespace, key.Name, key.Name,
                $"RiskLevel {summary.RiskLevel}: {string.Join("; ", reasons)}.",
                $"Get-K8sEffectivePermission -Namespace {key.Namespace} -Name {key.Name}  # then replace the bindings named with a Role granting only what the workload uses",
                severity));
        }
        return new CheckOutcome(Definition, context.ServiceAccounts.Count, findings);
    }
}
