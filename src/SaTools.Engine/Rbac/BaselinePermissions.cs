namespace SaTools.Engine.Rbac;

/// <summary>
/// The one home of "does this ServiceAccount need an API token?" and of what every ServiceAccount may do without
/// anyone granting it anything: the permissions a new ServiceAccount in a
/// new namespace has, which come from the bootstrap policy's default ClusterRoleBindings to the groups every
/// ServiceAccount is in (system:authenticated, system:serviceaccounts).
/// Source: plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (ClusterRoleBindings) and its testdata
/// cluster-role-bindings.yaml; docs: reference/access-authn-authz/rbac, "Default roles and role bindings" /
/// "API discovery roles". The engine carries the table itself: no policy file is read at run time.
/// <para>
/// "Beyond the baseline" is any grant a ServiceAccount has that is not one of these defaults: a direct binding,
/// or any binding to system:serviceaccounts:&lt;ns&gt;, or a binding of another role to system:authenticated or
/// system:serviceaccounts. A binding to a role that does not exist grants nothing and is not counted.
/// </para>
/// </summary>
public static class BaselinePermissions
{
    /// <summary>A default binding of a new cluster: a ClusterRoleBinding of a ClusterRole to broad groups.</summary>
    public sealed record DefaultGroupBinding(string Name, string ClusterRole, IReadOnlyList<string> Groups);

    public const string UnauthenticatedGroup = "system:unauthenticated";

    /// <summary>The default ClusterRoleBindings whose subjects are the broad groups (policy.go ClusterRoleBindings).</summary>
    public static readonly IReadOnlyList<DefaultGroupBinding> DefaultGroupBindings = new[]
    {
        new DefaultGroupBinding("system:basic-user", "system:basic-user", new[] { ServiceAccountRef.AuthenticatedGroup }),
        new DefaultGroupBinding("system:discovery", "system:discovery", new[] { ServiceAccountRef.AuthenticatedGroup }),
        new DefaultGroupBinding("system:public-info-viewer", "system:public-info-viewer", new[] { ServiceAccountRef.AuthenticatedGroup, UnauthenticatedGroup }),
        new DefaultGroupBinding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery", new[] { ServiceAccountRef.AllServiceAccountsGroup }),
    };

    /// <summary>The ClusterRoles those default bindings grant.</summary>
    public static readonly IReadOnlyCollection<string> DefaultRoles =
        DefaultGroupBindings.Select(b => b.ClusterRole).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>True when the grant is part of the baseline: one of the default roles reaching the ServiceAccount
    /// through system:authenticated or system:serviceaccounts, or a binding to a role that does not exist (it
    /// grants nothing).</summary>
    public static bool IsBaseline(EffectiveGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return grant.IsMissingRole || grant.IsBootstrapDefault;
    }

    /// <summary>The grants that give the ServiceAccount more than the baseline, in the evaluator's order.</summary>
    public static IReadOnlyList<EffectiveGrant> BeyondBaseline(EffectivePermissionEvaluator evaluator, ServiceAccountRef serviceAccount)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        return evaluator.GetGrants(serviceAccount).Where(g => !IsBaseline(g)).ToList();
    }

    /// <summary>True when the ServiceAccount has any permission beyond the baseline (a new ServiceAccount in a new
    /// namespace would not have it): its pods may need a token.</summary>
    public static bool NeedsToken(EffectivePermissionEvaluator evaluator, ServiceAccountRef serviceAccount) =>
        BeyondBaseline(evaluator, serviceAccount).Count > 0;

    /// <summary>
    /// True when a binding of <paramref name="roleKind"/> <paramref name="roleName"/> to <paramref name="group"/> is
    /// one a new cluster has (the same ClusterRole bound to the same group; the binding's own name does not matter,
    /// as a copy grants nothing more).
    /// </summary>
    public static bool IsDefaultGroupBinding(string roleKind, string roleName, string group) =>
        roleKind == "ClusterRole" &&
        DefaultGroupBindings.Any(b => b.ClusterRole == roleName && b.Groups.Contains(group, StringComparer.Ordinal));

    /// <summary>
    /// The broad groups a binding must not hand roles to beyond the defaults (RBAC Good Practices, "Least
    /// privilege": avoid binding to system:authenticated / system:unauthenticated; docs rbac "Service account
    /// permissions" for system:serviceaccounts[:ns]).
    /// </summary>
    public static bool IsBroadGroup(string? group) =>
        group is not null &&
        (group == ServiceAccountRef.AuthenticatedGroup || group == UnauthenticatedGroup ||
         group == ServiceAccountRef.AllServiceAccountsGroup ||
         group.StartsWith(ServiceAccountRef.NamespaceGroupPrefix, StringComparison.Ordinal));
}
