namespace SaTools.Engine.Rbac;

/// <summary>
/// The answer to "what may each ServiceAccount do" for one cluster (<see cref="EffectivePermissionReader"/>) or one
/// exported dump (<see cref="Evaluate"/>): every ServiceAccount, in the API's listing order, with its grants under
/// one filter, and the counts of what was read.
/// </summary>
public sealed class EffectivePermissions
{
    internal EffectivePermissions(RbacSnapshot rbac, int serviceAccountCount, IReadOnlyList<ServiceAccountPermissions> serviceAccounts)
    {
        RoleCount = rbac.RoleCount;
        ClusterRoleCount = rbac.ClusterRoleCount;
        RoleBindingCount = rbac.RoleBindingCount;
        ClusterRoleBindingCount = rbac.ClusterRoleBindingCount;
        ServiceAccountCount = serviceAccountCount;
        ServiceAccounts = serviceAccounts;
    }

    public int RoleCount { get; }
    public int ClusterRoleCount { get; }
    public int RoleBindingCount { get; }
    public int ClusterRoleBindingCount { get; }

    /// <summary>The ServiceAccount objects read (<see cref="ServiceAccounts"/> leaves out any without a name).</summary>
    public int ServiceAccountCount { get; }

    /// <summary>Every ServiceAccount, in the API's listing order (<see cref="ServiceAccountRef.Order"/>).</summary>
    public IReadOnlyList<ServiceAccountPermissions> ServiceAccounts { get; }

    /// <summary>
    /// The same evaluation over a snapshot already read (an exported dump): the same index and evaluator as
    /// <see cref="EffectivePermissionReader"/>, each ServiceAccount evaluated when first asked for.
    /// </summary>
    public static EffectivePermissions Evaluate(RbacSnapshot snapshot, PermissionFilter? filter, bool summarize)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var evaluation = new Evaluation(filter, summarize) { Evaluator = new EffectivePermissionEvaluator(new RbacIndex(snapshot)) };
        var accounts = snapshot.ServiceAccounts.Select(sa => new ServiceAccountPermissions(sa, evaluation)).ToList();
        return new EffectivePermissions(snapshot, snapshot.ServiceAccountCount, accounts);
    }
}
