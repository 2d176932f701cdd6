using k8s.Models;

namespace SaTools.Engine.Audit.Checks;

/// <summary>Every subject of every RoleBinding and ClusterRoleBinding of the snapshot, with its binding, for the
/// checks that judge bindings themselves (SA11, SA12) rather than what one ServiceAccount may do.</summary>
internal static class RbacBindingSubjects
{
    public sealed record Entry(string Kind, string Namespace, string Name, string RoleKind, string RoleName, Rbacv1Subject Subject)
    {
        public string Describe() => Namespace.Length == 0 ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

        public string DeleteCommand() => Namespace.Length == 0
            ? $"kubectl delete clusterrolebinding {Name}"
            : $"kubectl delete rolebinding {Name} -n {Namespace}";
    }

    public static IEnumerable<Entry> All(AuditContext context)
    {
        foreach (var crb in context.Snapshot.Rbac.ClusterRoleBindings)
        {
            foreach (var s in crb.Subjects ?? Array.Empty<Rbacv1Subject>())
            {
                if (s is not null) yield return new Entry("ClusterRoleBinding", string.Empty, crb.Metadata?.Name ?? string.Empty, crb.RoleRef?.Kind ?? string.Empty, crb.RoleRef?.Name ?? string.Empty, s);
            }
        }
        foreach (var rb in context.Snapshot.Rbac.RoleBindings)
        {
            foreach (var s in rb.Subjects ?? Array.Empty<Rbacv1Subject>())
            {
                if (s is not null) yield return new Entry("RoleBinding", rb.Metadata?.NamespaceProperty ?? string.Empty, rb.Metadata?.Name ?? string.Empty, rb.RoleRef?.Kind ?? string.Empty, rb.RoleRef?.Name ?? string.Empty, s);
            }
        }
    }

    public static int BindingCount(AuditContext context) =>
        context.Snapshot.Rbac.ClusterRoleBindingCount + context.Snapshot.Rbac.RoleBindingCount;
}
