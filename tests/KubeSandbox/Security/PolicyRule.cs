using System.Text.Json.Nodes;

namespace KubeSandbox.Security;

/// <summary>An RBAC rule (rbac.authorization.k8s.io/v1 PolicyRule), lists kept in the order they were written.</summary>
public sealed record PolicyRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    public static PolicyRule FromJson(JsonNode? node) => new(
        KubeObject.Strings(node?["verbs"]),
        KubeObject.Strings(node?["apiGroups"]),
        KubeObject.Strings(node?["resources"]),
        KubeObject.Strings(node?["resourceNames"]),
        KubeObject.Strings(node?["nonResourceURLs"]));

    public static List<PolicyRule> ListFromJson(JsonNode? rules) =>
        rules is JsonArray a ? a.Select(FromJson).ToList() : new List<PolicyRule>();

    public static PolicyRule Resource(string[] verbs, string[] groups, string[] resources, params string[] names) =>
        new(verbs, groups, resources, names, Array.Empty<string>());

    public static PolicyRule NonResource(string[] verbs, params string[] urls) =>
        new(verbs, Array.Empty<string>(), Array.Empty<string>(), Array.Empty<string>(), urls);

    /// <summary>pkg/apis/rbac/v1/evaluation_helpers.go CompactString, for escalation messages:
    /// <c>{APIGroups:["" ], Resources:["secrets"], Verbs:["get" "list"]}</c>.</summary>
    public string CompactString()
    {
        var parts = new List<string>();
        if (ApiGroups.Count > 0) parts.Add("APIGroups:" + GoFormat.QuoteList(ApiGroups));
        if (Resources.Count > 0) parts.Add("Resources:" + GoFormat.QuoteList(Resources));
        if (NonResourceUrls.Count > 0) parts.Add("NonResourceURLs:" + GoFormat.QuoteList(NonResourceUrls));
        if (ResourceNames.Count > 0) parts.Add("ResourceNames:" + GoFormat.QuoteList(ResourceNames));
        if (Verbs.Count > 0) parts.Add("Verbs:" + GoFormat.QuoteList(Verbs));
        return "{" + string.Join(", ", parts) + "}";
    }

    public bool Equals(PolicyRule? other) =>
        other is not null && Verbs.SequenceEqual(other.Verbs) && ApiGroups.SequenceEqual(other.ApiGroups)
        && Resources.SequenceEqual(other.Resources) && ResourceNames.SequenceEqual(other.ResourceNames)
        && NonResourceUrls.SequenceEqual(other.NonResourceUrls);

    public override int GetHashCode() => HashCode.Combine(Verbs.Count, ApiGroups.Count, Resources.Count, string.Join(",", Resources));
}

/// <summary>
/// Whether a rule allows a request: pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches,
/// ResourceMatches, ResourceNameMatches, NonResourceURLMatches) and plugin/pkg/auth/authorizer/rbac/rbac.go
/// RuleAllows.
/// </summary>
public static class RuleMatcher
{
    public static bool Allows(RequestAttributes a, PolicyRule rule)
    {
        if (a.IsResourceRequest)
        {
            var combined = a.Subresource.Length > 0 ? a.Resource + "/" + a.Subresource : a.Resource;
            return VerbMatches(rule, a.Verb) && ApiGroupMatches(rule, a.ApiGroup)
                && ResourceMatches(rule, combined, a.Subresource) && ResourceNameMatches(rule, a.Name);
        }
        return VerbMatches(rule, a.Verb) && NonResourceUrlMatches(rule, a.Path);
    }

    public static bool VerbMatches(PolicyRule rule, string verb) => rule.Verbs.Any(v => v == "*" || v == verb);

    public static bool ApiGroupMatches(PolicyRule rule, string group) => rule.ApiGroups.Any(g => g == "*" || g == group);

    public static bool ResourceMatches(PolicyRule rule, string combinedResource, string subresource)
    {
        foreach (var r in rule.Resources)
        {
            if (r == "*" || r == combinedResource)
            {
                return true;
            }
            // "*/subresource" matches that subresource of any resource.
            if (subresource.Length > 0 && r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal)
                && r.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>No resourceNames matches any name; otherwise the request must name one of them (a list or create
    /// without a name never matches).</summary>
    public static bool ResourceNameMatches(PolicyRule rule, string name) =>
        rule.ResourceNames.Count == 0 || rule.ResourceNames.Any(n => n == name);

    /// <summary>Exact, <c>*</c>, or a trailing <c>*</c> as a prefix match (so <c>/apis/*</c> matches <c>/apis/</c> but
    /// not <c>/apis</c>).</summary>
    public static bool NonResourceUrlMatches(PolicyRule rule, string path) =>
        rule.NonResourceUrls.Any(u => u == "*" || u == path
            || (u.EndsWith('*') && path.StartsWith(u.TrimEnd('*'), StringComparison.Ordinal)));
}
