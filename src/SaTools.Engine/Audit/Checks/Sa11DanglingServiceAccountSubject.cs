using SaTools.Engine.Rbac;

namespace SaTools.Engine.Audit.Checks;

/// <summary>
/// SA11: a binding names a ServiceAccount (a ServiceAccount subject, or a User subject
/// system:serviceaccount:&lt;ns&gt;:&lt;name&gt;, matched as pkg/registry/rbac/validation/rule.go appliesToUser does)
/// that does not exist: RBAC matches by name, so whoever creates it inherits the grant. Bindings whose names start
/// with "system:" are the control plane's own (docs rbac, "Default roles and role bindings": system: is reserved
/// and those bindings are managed by the control plane; their kube-system controller accounts are created by
/// kube-controller-manager as it needs them) and are not judged.
/// </summary>
internal sealed class Sa11DanglingServiceAccountSubject : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA11", "Binding names a ServiceAccount that does not exist", AuditSeverity.High, "High",
        "kubernetes.io/docs/concepts/security/rbac-good-practices (Periodic review: \"entries ... for deleted subjects\"); " +
        "kubernetes.io/docs/reference/access-authn-authz/rbac (Referring to subjects)",
        "RoleBindings and ClusterRoleBindings");

    public CheckOutcome Evaluate(AuditContext context)
    {
        var findings = new List<AuditFinding>();
        var seen = new HashSet<(string, string, string, ServiceAccountRef)>();
        foreach (var entry in RbacBindingSubjects.All(context))
        {
            if (entry.Name.StartsWith("system:", StringComparison.Ordinal)) continue;
            var subject = entry.Subject;
            ServiceAccountRef? sa = subject.Kind switch
            {
                "ServiceAccount" when !string.IsNullOrEmpty(subject.Name) =>
                    (string.IsNullOrEmpty(subject.NamespaceProperty) ? entry.Namespace : subject.NamespaceProperty) is { Length: > 0 } ns
                        ? new ServiceAccountRef(ns, subject.Name) : null,
                "User" => ServiceAccountRef.FromUserName(subject.Name),
                _ => null,
            };
            if (sa is null || context.ServiceAccountKeys.Contains(sa)) continue;
            if (!seen.Add((entry.Kind, entry.Namespace, entry.Name, sa))) continue;
            var named = sa.Namespace == entry.Namespace ? sa.Name : sa.ToString();
            findings.Add(Definition.Finding(entry.Kind, entry.Namespace, entry.Name, named,
                $"{entry.Describe()} grants {entry.RoleKind} {entry.RoleName} to ServiceAccount {sa}, which does not exist: whoever creates it gets the grant.",
                entry.DeleteCommand() + "  # or remove the subject " + sa,
                concernsNamespace: sa.Namespace));
        }
        return new CheckOutcome(Definition, RbacBindingSubjects.BindingCount(context), findings);
    }
}
