namespace KubeSandbox.Security;

/// <summary>
/// The RBAC authorizer, plugin/pkg/auth/authorizer/rbac/rbac.go: allowed by the first rule that matches (its
/// binding named in the reason); otherwise no opinion, with the role lookup errors as the reason.
/// </summary>
public sealed class RbacAuthorizer : IAuthorizer
{
    private readonly RbacRuleResolver _resolver;

    public RbacAuthorizer(RbacRuleResolver resolver) => _resolver = resolver;

    public AuthorizationDecision Authorize(RequestAttributes attributes)
    {
        string? reason = null;
        var errors = new List<string>();
        _resolver.VisitRulesFor(attributes.User, attributes.Namespace, (source, rule, error) =>
        {
            if (rule is not null && RuleMatcher.Allows(attributes, rule))
            {
                reason = "RBAC: allowed by " + source;
                return false;
            }
            if (error is not null)
            {
                errors.Add(error);
            }
            return true;
        });
        if (reason is not null)
        {
            return new AuthorizationDecision(true, reason, Array.Empty<string>());
        }
        return new AuthorizationDecision(false, errors.Count > 0 ? "RBAC: " + GoFormat.Aggregate(errors) : "", errors);
    }
}

/// <summary>
/// kube-apiserver's authorizer chain as the sandbox runs it: the privileged-group authorizer for
/// <c>system:masters</c> (k8s.io/apiserver pkg/authorization/authorizerfactory/builtin.go: allow, empty reason),
/// then RBAC.
/// </summary>
public sealed class SandboxAuthorizer : IAuthorizer
{
    private readonly RbacAuthorizer _rbac;
    private readonly RbacRuleResolver _resolver;

    public SandboxAuthorizer(RbacRuleResolver resolver)
    {
        _resolver = resolver;
        _rbac = new RbacAuthorizer(resolver);
    }

    public AuthorizationDecision Authorize(RequestAttributes attributes)
    {
        if (attributes.User.Groups.Contains(ServiceAccountUser.Masters))
        {
            return new AuthorizationDecision(true, "", Array.Empty<string>());
        }
        return _rbac.Authorize(attributes);
    }

    /// <summary>The rules a user holds in a namespace, as SelfSubjectRulesReview reports them (the union of the
    /// authorizers' RulesFor: everything for system:masters, then RBAC's), and the lookup errors.</summary>
    public (List<PolicyRule> Rules, List<string> Errors) RulesFor(UserInfo user, string ns)
    {
        var rules = new List<PolicyRule>();
        if (user.Groups.Contains(ServiceAccountUser.Masters))
        {
            rules.Add(PolicyRule.Resource(new[] { "*" }, new[] { "*" }, new[] { "*" }));
            rules.Add(PolicyRule.NonResource(new[] { "*" }, "*"));
        }
        var (rbacRules, errors) = _resolver.RulesFor(user, ns);
        rules.AddRange(rbacRules);
        return (rules, errors);
    }
}
