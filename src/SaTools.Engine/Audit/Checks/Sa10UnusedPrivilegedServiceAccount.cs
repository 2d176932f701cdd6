namespace SaTools.Engine.Audit.Checks;

/// <summary>SA10: a non-default ServiceAccount that may do more than the baseline is used by no pod (Unused as
/// Get-K8sServiceAccountUsage -Summary says it): its permissions wait for whoever gets a token for it.</summary>
internal sealed class Sa10UnusedPrivilegedServiceAccount : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA10", "Unused ServiceAccount with permissions", AuditSeverity.Medium, "Medium",
        "Checklist: \"Audit service account usage quarterly - find overprivileged accounts\"; " +
        "kubernetes.io/docs/concepts/security/rbac-good-practices (Periodic review)",
        "non-default ServiceAccounts");

    public CheckOutcome Evaluate(AuditContext context)
    {
        var candidates = context.UsageTotals.Where(t => t.Exists && !AuditContext.IsDefault(t.ServiceAccount)).ToList();
        var findings = new List<AuditFinding>();
        foreach (var t in candidates.Where(t => t.Unused))
        {
            var grants = context.BeyondBaseline(new Rbac.ServiceAccountRef(t.Namespace, t.ServiceAccount));
            if (grants.Count == 0) continue;
            findings.Add(Definition.Finding("ServiceAccount", t.Namespace, t.ServiceAccount, t.ServiceAccount,
                $"ServiceAccount {t.Namespace}/{t.ServiceAccount} is used by no pod but has permissions through {string.Join("; ", AuditContext.DescribeBindings(grants))}.",
                $"kubectl delete serviceaccount {t.ServiceAccount} -n {t.Namespace}; " +
                string.Join("; ", grants.Select(AuditContext.RemoveBindingCommand).Distinct(StringComparer.Ordinal))));
        }
        return new CheckOutcome(Definition, candidates.Count, findings);
    }
}
