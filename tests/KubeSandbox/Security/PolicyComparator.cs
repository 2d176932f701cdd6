namespace KubeSandbox.Security;

/// <summary>
/// Whether one set of rules covers another, for RBAC's escalation check:
/// pkg/registry/rbac/validation/policy_comparator.go (Covers, BreakdownRule, ruleCovers) and
/// policy_compact.go (CompactRules).
/// </summary>
public static class PolicyComparator
{
    /// <summary>The servant rules broken into single (group, resource, verb[, name]) rules that no owner rule
    /// covers; empty when the owner holds them all.</summary>
    public static List<PolicyRule> Uncovered(IReadOnlyList<PolicyRule> ownerRules, IEnumerable<PolicyRule> servantRules)
    {
        var uncovered = new List<PolicyRule>();
        foreach (var sub in servantRules.SelectMany(Breakdown))
        {
            if (!ownerRules.Any(owner => RuleCovers(owner, sub)))
            {
                uncovered.Add(sub);
            }
        }
        return uncovered;
    }

    public static IEnumerable<PolicyRule> Breakdown(PolicyRule rule)
    {
        foreach (var group in rule.ApiGroups)
        {
            foreach (var resource in rule.Resources)
            {
                foreach (var verb in rule.Verbs)
                {
                    if (rule.ResourceNames.Count > 0)
                    {
                        foreach (var name in rule.ResourceNames)
                        {
                            yield return PolicyRule.Resource(new[] { verb }, new[] { group }, new[] { resource }, name);
                        }
                    }
                    else
                    {
                        yield return PolicyRule.Resource(new[] { verb }, new[] { group }, new[] { resource });
                    }
                }
            }
        }
        // Non-resource URLs combine with verbs only.
        foreach (var url in rule.NonResourceUrls)
        {
            foreach (var verb in rule.Verbs)
            {
                yield return PolicyRule.NonResource(new[] { verb }, url);
            }
        }
    }

    private static bool RuleCovers(PolicyRule owner, PolicyRule sub)
    {
        var verbs = owner.Verbs.Contains("*") || sub.Verbs.All(owner.Verbs.Contains);
        var groups = owner.ApiGroups.Contains("*") || sub.ApiGroups.All(owner.ApiGroups.Contains);
        var resources = ResourceCoversAll(owner.Resources, sub.Resources);
        var urls = sub.NonResourceUrls.All(path => owner.NonResourceUrls.Any(o => NonResourceUrlCovers(o, path)));
        var names = sub.ResourceNames.Count == 0
            ? owner.ResourceNames.Count == 0
            : owner.ResourceNames.Count == 0 || sub.ResourceNames.All(owner.ResourceNames.Contains);
        return verbs && groups && resources && names && urls;
    }

    private static bool ResourceCoversAll(IReadOnlyList<string> owned, IReadOnlyList<string> wanted)
    {
        if (owned.Contains("*") || wanted.All(owned.Contains))
        {
            return true;
        }
        foreach (var path in wanted)
        {
            if (owned.Contains(path))
            {
                continue;
            }
            var slash = path.IndexOf('/');
            if (slash < 0 || !owned.Contains("*/" + path[(slash + 1)..]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool NonResourceUrlCovers(string owner, string path) =>
        owner == path || (owner.EndsWith('*') && path.StartsWith(owner.TrimEnd('*'), StringComparison.Ordinal));

    /// <summary>CompactRules: single-group, single-resource rules that differ only by verb are merged, verbs in the
    /// order met. (The real server builds the merged list from a Go map; the message sorts the strings anyway.)</summary>
    public static List<PolicyRule> Compact(IEnumerable<PolicyRule> rules)
    {
        var compacted = new List<PolicyRule>();
        var simple = new Dictionary<(string, string, bool, string), (int Index, List<string> Verbs)>();
        var order = new List<(string, string, bool, string)>();
        foreach (var rule in rules)
        {
            if (rule.ResourceNames.Count <= 1 && rule.NonResourceUrls.Count == 0 && rule.ApiGroups.Count == 1 && rule.Resources.Count == 1)
            {
                var key = (rule.ApiGroups[0], rule.Resources[0], rule.ResourceNames.Count == 1, rule.ResourceNames.Count == 1 ? rule.ResourceNames[0] : "");
                if (simple.TryGetValue(key, out var existing))
                {
                    existing.Verbs.AddRange(rule.Verbs);
                }
                else
                {
                    simple[key] = (order.Count, rule.Verbs.ToList());
                    order.Add(key);
                }
            }
            else
            {
                compacted.Add(rule);
            }
        }
        foreach (var key in order)
        {
            var verbs = simple[key].Verbs;
            compacted.Add(new PolicyRule(verbs, new[] { key.Item1 }, new[] { key.Item2 },
                key.Item3 ? new[] { key.Item4 } : Array.Empty<string>(), Array.Empty<string>()));
        }
        return compacted;
    }
}
