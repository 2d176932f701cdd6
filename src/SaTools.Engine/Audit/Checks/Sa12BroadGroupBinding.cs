using SaTools.Engine.Rbac;

namespace SaTools.Engine.Audit.Checks;

/// <summary>
/// SA12: a binding grants a role to system:serviceaccounts, system:serviceaccounts:&lt;ns&gt;,
/// system:authenticated or system:unauthenticated, other than the default bindings a new cluster has
/// (<see cref="BootstrapPolicy.DefaultGroupBindings"/>, from the bootstrap policy).
/// </summary>
internal sealed class Sa12BroadGroupBinding : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA12", "Role granted to every ServiceAccount or every user", AuditSeverity.High, "High",
        "kubernetes.io/docs/concepts/security/rbac-good-practices (Least privilege; Hardening: \"review bindings for the system:unauthenticated group\"); " +
        "kubernetes.io/docs/reference/access-authn-authz/rbac (Service account permissions: \"grant a role to all service accounts ... not recommended\")",
        "RoleBindings and ClusterRoleBindings");

    public CheckOutcome Evaluate(AuditContext context)
    {
        var findings = new List<AuditFinding>();
        var seen = new HashSet<(string, string, string, string)>();
        foreach (var entry in RbacBindingSubjects.All(context))
        {
            var group = entry.Subject.Name;
            if (entry.Subject.Kind != "Group" || !BaselinePermissions.IsBroadGroup(group)) continue;
            if (BootstrapPolicy.IsDefaultGroupBinding(entry.RoleKind, entry.RoleName, group!)) continue;
            if (!seen.Add((entry.Kind, entry.Namespace, entry.Name, group!))) continue;
            // A namespace group concerns that namespace; the others concern every namespace.
            var concerns = group!.StartsWith(ServiceAccountRef.NamespaceGroupPrefix, StringComparison.Ordinal)
                ? group[ServiceAccountRef.NamespaceGroupPrefix.Length..]
                : entry.Namespace.Length > 0 ? entry.Namespace : null;
            var who = group switch
            {
                ServiceAccountRef.AuthenticatedGroup => "every authenticated user and ServiceAccount",
                BootstrapPolicy.UnauthenticatedGroup => "anonymous requests",
                ServiceAccountRef.AllServiceAccountsGroup => "every ServiceAccount of the cluster",
                _ => $"every ServiceAccount of namespace {concerns}",
            };
            var where = entry.Namespace.Length == 0 ? "cluster-wide" : $"in namespace {entry.Namespace}";
            findings.Add(Definition.Finding(entry.Kind, entry.Namespace, entry.Name, string.Empty,
                $"{entry.Describe()} grants {entry.RoleKind} {entry.RoleName} {where} to group {group}: {who}.",
                $"{(entry.Namespace.Length == 0 ? "kubectl edit clusterrolebinding " + entry.Name : "kubectl edit rolebinding " + entry.Name + " -n " + entry.Namespace)}  # replace the group {group} with the ServiceAccounts that need the role",
                concernsNamespace: concerns));
        }
        return new CheckOutcome(Definition, RbacBindingSubjects.BindingCount(context), findings);
    }
}
