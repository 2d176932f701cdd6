using System.Runtime.CompilerServices;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal List<EffectiveGrant> GrantsOf(ServiceAccountRef serviceAccount, PermissionFilter? filter)
    {
        ArgumentNullException.ThrowIfNull(serviceAccount);
        // Two passes keep binding and rule order within each scope (List.Sort is not stable).
        var result = new List<EffectiveGrant>();
        var direct = _index.DirectBindings(serviceAccount);
        var groups = _index.GroupBindings(serviceAccount.Namespace);
        Collect(serviceAccount, direct, filter, result, clusterScope: true);
        Collect(serviceAccount, groups, filter, result, clusterScope: true);
        Collect(serviceAccount, direct, filter, result, clusterScope: false);
        Collect(serviceAccount, groups, filter, result, clusterScope: false);

        return result;
    }

    /// <summary>One summary row per ServiceAccount (the grants pass the filter first).</summary>
    public ServiceAccountPermissionSummary Summarize(ServiceAccountRef serviceAccount, PermissionFilter? filter = null) =>
        new(serviceAccount, GrantsOf(serviceAccount, filter));

    /// <summary>Whether the RBAC authorizer would allow this ServiceAccount the request.</summary>
    public bool IsAllowed(ServiceAccountRef serviceAccount, RbacRequest request)
    {
        ArgumentNullException.ThrowIfNull(serviceAccount);
        ArgumentNullException.ThrowIfNull(request);
        return Allows(_index.DirectBindings(serviceAccount), request) ||
               Allows(_index.GroupBindings(serviceAccount.Namespace), request);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Allows(IReadOnlyList<SubjectBinding> bindings, RbacRequest request)
    {
        for (var b = 0; b < bindings.Count; b++)
        {
            var binding = bindings[b].Binding;
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

            var rules = binding.Role.Rules;
            for (var r = 0; r < rules.Count; r++)
            {
                if (RuleMatcher.Allows(rules[r].Rule, request))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // Called for every ServiceAccount of the cluster: indexed loops (a foreach over an IReadOnlyList allocates).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Collect(ServiceAccountRef serviceAccount, IReadOnlyList<SubjectBinding> bindings, PermissionFilter? filter, List<EffectiveGrant> result, bool clusterScope)
    {
        for (var b = 0; b < bindings.Count; b++)
        {
            var entry = bindings[b];
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

            var rules = binding.Role.Rules;
            for (var r = 0; r < rules.Count; r++)
            {
                var rule = rules[r];
                if (filter is null || filter.RuleAllows(rule.Rule))
                {
                    result.Add(new EffectiveGrant(serviceAccount, binding, entry.GrantedVia, rule));
                }
            }
        }
    }
}
