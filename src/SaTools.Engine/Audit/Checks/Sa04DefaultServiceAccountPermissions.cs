using SaTools.Engine.Rbac;

namespace SaTools.Engine.Audit.Checks;

/// <summary>
/// SA04: a default ServiceAccount may do more than the baseline, granted to it directly or through
/// system:serviceaccounts[:ns] (bindings to system:authenticated reach humans too and are SA12's).
/// </summary>
internal sealed class Sa04DefaultServiceAccountPermissions : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA04", "Default ServiceAccount has permissions", AuditSeverity.High, "High",
        "kubernetes.io/docs/concepts/security/rbac-good-practices (Least privilege: \"avoid ... granting permissions to the default ServiceAccount\"); " +
        "kubernetes.io/docs/reference/access-authn-authz/rbac (Service account permissions)",
        "default ServiceAccounts");

    public CheckOutcome Evaluate(AuditContext context)
    {
        var defaults = context.ServiceAccounts.Where(sa => AuditContext.IsDefault(sa.Metadata.Name)).ToList();
        var findings = new List<AuditFinding>();
        foreach (var sa in defaults)
        {
            var key = AuditContext.Ref(sa);
            var grants = context.BeyondBaseline(key).Where(g => g.GrantedVia != ServiceAccountRef.AuthenticatedGroup).ToList();
            if (grants.Count == 0) continue;
            var bindings = AuditContext.DescribeBindings(grants);
            findings.Add(Definition.Finding("ServiceAccount", key.Namespace, "default", "default",
                $"ServiceAccount {key} has permissions beyond the baseline through {string.Join("; ", bindings)}.",
                string.Join("; ", grants.Select(AuditContext.RemoveBindingCommand).Distinct(StringComparer.Ordinal)) +
                "  # grant them to a dedicated ServiceAccount instead"));
        }
        return new CheckOutcome(Definition, defaults.Count, findings);
    }
}
