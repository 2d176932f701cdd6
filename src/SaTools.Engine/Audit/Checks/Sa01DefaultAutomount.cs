namespace SaTools.Engine.Audit.Checks;

/// <summary>SA01: a namespace's default ServiceAccount leaves token automount on (unset counts as on: the
/// ServiceAccount admission plugin mounts unless a field says false, plugin/pkg/admission/serviceaccount/admission.go).</summary>
internal sealed class Sa01DefaultAutomount : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA01", "Default ServiceAccount automounts its token", AuditSeverity.Medium, "Medium",
        "Checklist: \"Disable automountServiceAccountToken on the default service account in every namespace\"; " +
        "kubernetes.io/docs/tasks/configure-pod-container/configure-service-account (Opt out of API credential automounting)",
        "default ServiceAccounts");

    public CheckOutcome Evaluate(AuditContext context)
    {
        var defaults = context.ServiceAccounts.Where(sa => AuditContext.IsDefault(sa.Metadata.Name)).ToList();
        var findings = defaults
            .Where(sa => sa.AutomountServiceAccountToken != false)
            .Select(sa =>
            {
                var ns = sa.Metadata.NamespaceProperty ?? string.Empty;
                var state = sa.AutomountServiceAccountToken is null ? "is not set (defaults to true)" : "is true";
                return Definition.Finding("ServiceAccount", ns, "default", "default",
                    $"automountServiceAccountToken of ServiceAccount {ns}/default {state}: every pod that names no ServiceAccount gets an API token.",
                    $"Disable-K8sDefaultAutomount -Namespace {ns}");
            })
            .ToList();
        return new CheckOutcome(Definition, defaults.Count, findings);
    }
}
