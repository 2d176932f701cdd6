namespace SaTools.Engine.Rbac;

/// <summary>
/// The one home of "does this ServiceAccount need an API token?" and of what every ServiceAccount may do without
/// anyone granting it anything: the permissions a new ServiceAccount in a
/// new namespace has, which come from the bootstrap policy's default ClusterRoleBindings to the groups every
/// ServiceAccount is in (system:authenticated, system:serviceaccounts): <see cref="BootstrapPolicy.EveryServiceAccount"/>
/// (policy.go ClusterRoleBindings; docs: reference/access-authn-authz/rbac, "Default roles and role bindings").
/// Used by Disable-K8sWorkloadAutomount and the audit's checks SA02, SA04 and SA10: they must agree.
/// <para>
/// "Beyond the baseline" is any grant a ServiceAccount has that is not one of these defaults: a direct binding,
/// or any binding to system:serviceaccounts:&lt;ns&gt;, or a binding of another role to system:authenticated or
/// system:serviceaccounts. A binding to a role that does not exist grants nothing and is not counted.
/// </para>
/// </summary>
public static class BaselinePermissions
{
    /// <summary>True when the grant is part of the baseline: one of the default roles reaching the ServiceAccount
    /// through system:authenticated or system:serviceaccounts, or a binding to a role that does not exist (it
    /// grants nothing).</summary>
    public static bool IsBaseline(EffectiveGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        // Only what every ServiceAccount gets: a controller's own default grant (kube-system) is beyond it.
        return grant.IsMissingRole || grant.IsEveryServiceAccountDefault;
    }

    /// <summary>The grants that give the ServiceAccount more than the baseline, in the evaluator's order.</summary>
    public static IReadOnlyList<EffectiveGrant> BeyondBaseline(EffectivePermissionEvaluator evaluator, ServiceAccountRef serviceAccount)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        return BeyondBaseline(evaluator.GetGrants(serviceAccount));
    }

    /// <summary>The same, of grants already evaluated (a caller that also summarizes them evaluates them once).</summary>
    public static IReadOnlyList<EffectiveGrant> BeyondBaseline(IEnumerable<EffectiveGrant> grants) =>
        grants.Where(g => !IsBaseline(g)).ToList();

    /// <summary>True when the ServiceAccount has any permission beyond the baseline (a new ServiceAccount in a new
    /// namespace would not have it): its pods may need a token.</summary>
    public static bool NeedsToken(EffectivePermissionEvaluator evaluator, ServiceAccountRef serviceAccount) =>
        BeyondBaseline(evaluator, serviceAccount).Count > 0;

    /// <summary>
    /// The broad groups a binding must not hand roles to beyond the defaults (RBAC Good Practices, "Least
    /// privilege": avoid binding to system:authenticated / system:unauthenticated; docs rbac "Service account
    /// permissions" for system:serviceaccounts[:ns]).
    /// </summary>
    public static bool IsBroadGroup(string? group) =>
        group is not null &&
        (group == ServiceAccountRef.AuthenticatedGroup || group == BootstrapPolicy.UnauthenticatedGroup ||
         group == ServiceAccountRef.AllServiceAccountsGroup ||
         group.StartsWith(ServiceAccountRef.NamespaceGroupPrefix, StringComparison.Ordinal));
}
