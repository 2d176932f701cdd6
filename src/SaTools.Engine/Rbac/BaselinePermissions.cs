namespace SaTools.Engine.Rbac;

/// <summary>
/// The one home of "does this ServiceAccount need an API token?": it does when RBAC gives it permissions beyond the
/// baseline, the baseline being what the bootstrap policy's default bindings give every authenticated identity
/// and every ServiceAccount (ClusterRoles system:basic-user, system:discovery, system:public-info-viewer and
/// system:service-account-issuer-discovery bound to system:authenticated or system:serviceaccounts:
/// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go, ClusterRoleBindings). A ServiceAccount with nothing
/// beyond that can call nothing an anonymous-ish caller could not, so its pods need no token (docs:
/// concepts/security/service-accounts-good-practices, "Disable automounting of the default ServiceAccount
/// token"; tasks/configure-pod-container/configure-service-account, "Opt out of API credential automounting").
/// Used by Disable-K8sWorkloadAutomount and the audit's checks (SA02, SA04, SA10): they must agree.
/// </summary>
public static class BaselinePermissions
{
    /// <summary>True when the grant is part of the baseline: one of the default roles reaching the ServiceAccount
    /// through system:authenticated or system:serviceaccounts, or a binding to a role that does not exist
    /// (it grants nothing: pkg/registry/rbac/validation/rule.go skips a binding whose role cannot be found).</summary>
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

    /// <summary>True when the ServiceAccount has any permission beyond the baseline: its pods may need a token.</summary>
    public static bool NeedsToken(EffectivePermissionEvaluator evaluator, ServiceAccountRef serviceAccount) =>
        BeyondBaseline(evaluator, serviceAccount).Count > 0;
}
