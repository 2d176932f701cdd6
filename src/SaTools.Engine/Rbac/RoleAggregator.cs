using k8s.Models;

namespace SaTools.Engine.Rbac;

/// <summary>
/// Computes the rules of aggregated ClusterRoles the way the aggregation controller does
/// (pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go): for each selector of the
/// <c>aggregationRule</c> in order, the ClusterRoles whose labels match, sorted by name, the role itself
/// skipped, each rule appended unless an equal rule is already there. The controller replaces the role's own
/// rules with the result, and an aggregated role that is itself selected contributes its aggregated rules, so the
/// computation recurses (admin takes edit's rules, which take view's). SaTools does this itself, so exported
/// manifests (where <c>rules</c> is null) and clusters whose controller lags give the right answer.
/// </summary>
internal sealed class RoleAggregator
{
    private readonly IReadOnlyList<V1ClusterRole> _roles;
    private readonly Dictionary<string, V1ClusterRole> _byName;
    private readonly Dictionary<string, List<SourcedRule>> _done = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);

    public RoleAggregator(IReadOnlyList<V1ClusterRole> clusterRoles)
    {
        _roles = clusterRoles;
        _byName = new Dictionary<string, V1ClusterRole>(StringComparer.Ordinal);
        foreach (var role in clusterRoles)
        {
            var name = role.Metadata?.Name;
            if (!string.IsNullOrEmpty(name))
            {
                _byName[name] = role;
            }
        }
    }

    /// <summary>A rule and the ClusterRole that defines it, when it reached the role through aggregation.</summary>
    public readonly record struct SourcedRule(RbacRule Rule, string? AggregatedFrom);

    /// <summary>The effective rules of the named ClusterRole; null when there is no such role.</summary>
    public IReadOnlyList<SourcedRule>? RulesOf(string name)
    {
        if (!_byName.TryGetValue(name, out var role))
        {
            return null;
        }

        return Resolve(role);
    }

    private List<SourcedRule> Resolve(V1ClusterRole role)
    {
        var name = role.Metadata?.Name ?? string.Empty;
        if (_done.TryGetValue(name, out var known))
        {
            return known;
        }

        // syncClusterRole returns the error of LabelSelectorAsSelector for an invalid selector and never updates
        // the role: its stored rules stay what they are.
        var selectors = role.AggregationRule?.ClusterRoleSelectors ?? Array.Empty<V1LabelSelector>();
        if (role.AggregationRule is null || !selectors.All(LabelSelectorMatcher.IsValid))
        {
            var own = (role.Rules ?? Array.Empty<V1PolicyRule>())
                .Select(r => new SourcedRule(RbacRule.From(r), null))
                .ToList();
            _done[name] = own;
            return own;
        }

        if (!_inProgress.Add(name))
        {
            // A cycle of aggregated roles: the controller converges on the union; while this role is being
            // resolved further up the stack, it contributes nothing new here.
            return new List<SourcedRule>();
        }

        var result = new List<SourcedRule>();
        var seen = new HashSet<RbacRule>();
        foreach (var selector in selectors)
        {
            var matched = _roles
                .Where(r => LabelSelectorMatcher.Matches(selector, r.Metadata?.Labels))
                .OrderBy(r => r.Metadata?.Name, StringComparer.Ordinal);
            foreach (var source in matched)
            {
                var sourceName = source.Metadata?.Name ?? string.Empty;
                if (string.Equals(sourceName, name, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var rule in Resolve(source))
                {
                    if (seen.Add(rule.Rule))
                    {
                        result.Add(new SourcedRule(rule.Rule, rule.AggregatedFrom ?? sourceName));
                    }
                }
            }
        }

        _inProgress.Remove(name);
        _done[name] = result;
        return result;
    }
}
