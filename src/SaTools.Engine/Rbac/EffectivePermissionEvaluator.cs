namespace SaTools.Engine.Rbac;

/// <summary>
/// What each ServiceAccount may do, from an <see cref="RbacIndex"/>: its own bindings plus the bindings of its
/// namespace's groups (computed once per namespace), each expanded to one grant per rule. Which bindings count
/// where follows pkg/registry/rbac/validation/rule.go (VisitRulesFor): ClusterRoleBindings for every request,
/// RoleBindings only for requests in their namespace.
/// </summary>
public sealed class EffectivePermissionEvaluator
{
    private readonly RbacIndex _index;

    public EffectivePermissionEvaluator(RbacIndex index)
    {
        _index = index ?? throw new ArgumentNullException(nameof(index));
    }

    public RbacIndex Index => _index;

    /// <summary>
    /// The grants of one ServiceAccount that pass the filter, ClusterRoleBindings first, in binding order. Missing
    /// roles appear as grants with <see cref="EffectiveGrant.IsMissingRole"/> unless the filter asks about a
    /// request (a missing role allows nothing).
    /// </summary>
    public IEnumerable<EffectiveGrant> GetGrants(ServiceAccountRef serviceAccount, PermissionFilter? filter = null) =>
        GrantsOf(serviceAccount, filter);

    /// <summary><see cref="GetGrants"/> as the list it builds.</summary>
    internal List<EffectiveGrant> GrantsOf(ServiceAccountRef serviceAccount, PermissionFilter? filter)
    {
        ArgumentNullException.ThrowIfNull(serviceAccount);
        // Two passes keep binding and rule order within each scope (List.Sort is not stable).
        var result = new List<EffectiveGrant>();
        var direct = _index.DirectBindings(serviceAccount);
        var groups = _index.GroupBindings(serviceAccount.Namespace);
        foreach (var clusterScope in new[] { true, false })
        {
            Collect(serviceAccount, direct, filter, result, clusterScope);
            Collect(serviceAccount, groups, filter, result, clusterScope);
        }

        return result;
    }

    /// <summary>One summary row per ServiceAccount (the grants pass the filter first).</summary>
    public ServiceAccountPermissionSummary Summarize(ServiceAccountRef serviceAccount, PermissionFilter? filter = null) =>
        new(serviceAccount, GetGrants(serviceAccount, filter).ToList());

    /// <summary>Whether the RBAC authorizer would allow this ServiceAccount the request.</summary>
    public bool IsAllowed(ServiceAccountRef serviceAccount, RbacRequest request)
    {
        ArgumentNullException.ThrowIfNull(serviceAccount);
        ArgumentNullException.ThrowIfNull(request);
        return Allows(_index.DirectBindings(serviceAccount), request) ||
               Allows(_index.GroupBindings(serviceAccount.Namespace), request);
    }

    private static bool Allows(IReadOnlyList<SubjectBinding> bindings, RbacRequest request)
    {
        foreach (var entry in bindings)
        {
            var binding = entry.Binding;
            if (binding.Role is null)
            {
                continue;
            }

            // Non-resource and cluster-wide requests have no namespace: only ClusterRoleBindings count.
            var scope = binding.ScopeNamespace;
            if (scope is not null && !string.Equals(scope, request.Namespace, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var rule in binding.Role.Rules)
            {
                if (RuleMatcher.Allows(rule.Rule, request))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void Collect(ServiceAccountRef serviceAccount, IReadOnlyList<SubjectBinding> bindings, PermissionFilter? filter, List<EffectiveGrant> result, bool clusterScope)
    {
        foreach (var entry in bindings)
        {
            var binding = entry.Binding;
            if ((binding.ScopeNamespace is null) != clusterScope)
            {
                continue;
            }

            if (filter is not null && !filter.ScopeAllows(binding.ScopeNamespace))
            {
                continue;
            }

            if (binding.Role is null)
            {
                if (filter is null || !filter.ConstrainsRequest)
                {
                    result.Add(new EffectiveGrant(serviceAccount, binding, entry.GrantedVia, null));
                }

                continue;
            }

            foreach (var rule in binding.Role.Rules)
            {
                if (filter is null || filter.RuleAllows(rule.Rule))
                {
                    result.Add(new EffectiveGrant(serviceAccount, binding, entry.GrantedVia, rule));
                }
            }
        }
    }
}
