using k8s.Models;

namespace SaTools.Engine.Rbac;

/// <summary>
/// The RBAC state of one cluster at one moment: every Role, ClusterRole, RoleBinding, ClusterRoleBinding and
/// ServiceAccount, read once (from the API or from an exported dump). The KubernetesClient objects stay inside the
/// engine; callers see counts and build an <see cref="RbacIndex"/> from it.
/// </summary>
public sealed class RbacSnapshot
{
    internal RbacSnapshot(
        IEnumerable<V1Role>? roles,
        IEnumerable<V1ClusterRole>? clusterRoles,
        IEnumerable<V1RoleBinding>? roleBindings,
        IEnumerable<V1ClusterRoleBinding>? clusterRoleBindings,
        IEnumerable<V1ServiceAccount>? serviceAccounts)
    {
        Roles = (roles ?? Array.Empty<V1Role>()).ToList();
        ClusterRoles = (clusterRoles ?? Array.Empty<V1ClusterRole>()).ToList();
        RoleBindings = (roleBindings ?? Array.Empty<V1RoleBinding>()).ToList();
        ClusterRoleBindings = (clusterRoleBindings ?? Array.Empty<V1ClusterRoleBinding>()).ToList();
        ServiceAccountObjects = (serviceAccounts ?? Array.Empty<V1ServiceAccount>()).ToList();
    }

    internal IReadOnlyList<V1Role> Roles { get; }
    internal IReadOnlyList<V1ClusterRole> ClusterRoles { get; }
    internal IReadOnlyList<V1RoleBinding> RoleBindings { get; }
    internal IReadOnlyList<V1ClusterRoleBinding> ClusterRoleBindings { get; }
    internal IReadOnlyList<V1ServiceAccount> ServiceAccountObjects { get; }

    public int RoleCount => Roles.Count;
    public int ClusterRoleCount => ClusterRoles.Count;
    public int RoleBindingCount => RoleBindings.Count;
    public int ClusterRoleBindingCount => ClusterRoleBindings.Count;
    public int ServiceAccountCount => ServiceAccountObjects.Count;

    /// <summary>The ServiceAccounts of the snapshot, in the API's listing order (<see cref="ServiceAccountRef.Order"/>).</summary>
    public IReadOnlyList<ServiceAccountRef> ServiceAccounts =>
        ServiceAccountObjects
            .Select(ServiceAccountRef.From)
            .OfType<ServiceAccountRef>()
            .Order(ServiceAccountRef.Order)
            .ToList();

    /// <summary>A snapshot merged from several (several dump files).</summary>
    public static RbacSnapshot Combine(IEnumerable<RbacSnapshot> snapshots)
    {
        var list = snapshots.ToList();
        return new RbacSnapshot(
            list.SelectMany(s => s.Roles),
            list.SelectMany(s => s.ClusterRoles),
            list.SelectMany(s => s.RoleBindings),
            list.SelectMany(s => s.ClusterRoleBindings),
            list.SelectMany(s => s.ServiceAccountObjects));
    }
}
