namespace SaTools.Engine.Rbac;

/// <summary>
/// What the engine knows of the default RBAC policy every cluster starts with, as of Kubernetes 1.33
/// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go and controller_policy.go; their generated testdata
/// under bootstrappolicy/testdata/ lists every object). Two kinds of default grant reach a ServiceAccount:
/// <list type="bullet">
/// <item>Those every ServiceAccount gets, through the groups its tokens carry (<see cref="EveryServiceAccount"/>):
/// system:basic-user (self reviews: selfsubjectaccessreviews, selfsubjectrulesreviews and, from 1.28,
/// selfsubjectreviews, which <c>kubectl auth whoami</c> uses), system:discovery and system:public-info-viewer
/// through system:authenticated, system:service-account-issuer-discovery through system:serviceaccounts. These
/// are rated None by <see cref="RiskAssessor"/>.</item>
/// <item>The controllers' own grants: kube-controller-manager with <c>--use-service-account-credentials</c> (kubeadm's
/// default) runs each controller as <c>kube-system/&lt;controller&gt;</c>, and controller_policy.go binds it the role
/// <c>system:controller:&lt;controller&gt;</c> through a binding of the same name (ClusterRoleBindings, and in
/// kube-system RoleBindings such as system:controller:bootstrap-signer). They are defaults, but rated by what they
/// grant: the controllers' powers are real.</item>
/// </list>
/// The role names have not changed between 1.26 and 1.33 (1.33 adds controllers such as
/// legacy-service-account-token-cleaner, which the prefix rule covers), so one rule serves both.
/// </summary>
public static class BootstrapPolicy
{
    /// <summary>The prefix of every controller role and binding in controller_policy.go (<c>saRolePrefix</c>).</summary>
    public const string ControllerPrefix = "system:controller:";

    /// <summary>The namespace the controllers' ServiceAccounts live in.</summary>
    public const string ControllerNamespace = "kube-system";

    /// <summary>The group system:unauthenticated (anonymous requests).</summary>
    public const string UnauthenticatedGroup = "system:unauthenticated";

    /// <summary>The ClusterRoleBindings policy.go makes to broad groups, each named as its ClusterRole, with their
    /// groups (system:public-info-viewer is bound to system:unauthenticated as well). Nothing else of a new cluster
    /// binds a role to system:authenticated, system:unauthenticated or system:serviceaccounts[:ns].</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultGroupBindings = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["system:basic-user"] = new[] { ServiceAccountRef.AuthenticatedGroup },
        ["system:discovery"] = new[] { ServiceAccountRef.AuthenticatedGroup },
        ["system:public-info-viewer"] = new[] { ServiceAccountRef.AuthenticatedGroup, UnauthenticatedGroup },
        ["system:service-account-issuer-discovery"] = new[] { ServiceAccountRef.AllServiceAccountsGroup },
    };

    /// <summary>The ClusterRoles policy.go binds to groups every ServiceAccount is in, with those groups (from
    /// <see cref="DefaultGroupBindings"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string> EveryServiceAccount = DefaultGroupBindings.ToDictionary(
        kv => kv.Key,
        kv => kv.Value.First(g => g is ServiceAccountRef.AuthenticatedGroup or ServiceAccountRef.AllServiceAccountsGroup),
        StringComparer.Ordinal);

    /// <summary>True when binding ClusterRole <paramref name="roleName"/> to <paramref name="group"/> is one of a new
    /// cluster's <see cref="DefaultGroupBindings"/> (whatever the binding's own name: a copy grants nothing more).</summary>
    public static bool IsDefaultGroupBinding(string roleKind, string roleName, string group) =>
        roleKind == "ClusterRole" && DefaultGroupBindings.TryGetValue(roleName, out var groups) && groups.Contains(group, StringComparer.Ordinal);

    /// <summary>A grant every ServiceAccount gets: one of <see cref="EveryServiceAccount"/>'s ClusterRoles, reaching
    /// the ServiceAccount through a group every ServiceAccount is in.</summary>
    public static bool IsEveryServiceAccountDefault(string roleKind, string roleName, string grantedVia) =>
        roleKind == "ClusterRole" &&
        EveryServiceAccount.ContainsKey(roleName) &&
        (grantedVia == ServiceAccountRef.AuthenticatedGroup || grantedVia == ServiceAccountRef.AllServiceAccountsGroup);

    /// <summary>A controller's own default grant: binding and role <c>system:controller:&lt;name&gt;</c>, reaching
    /// the ServiceAccount <c>kube-system/&lt;name&gt;</c> as a ServiceAccount subject.</summary>
    public static bool IsControllerDefault(ServiceAccountRef serviceAccount, string bindingName, string roleName, string grantedVia) =>
        serviceAccount.Namespace == ControllerNamespace &&
        grantedVia == RbacIndex.ServiceAccountVia &&
        bindingName == ControllerPrefix + serviceAccount.Name &&
        roleName == bindingName;
}
