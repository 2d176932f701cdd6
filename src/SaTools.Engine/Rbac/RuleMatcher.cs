using System.Runtime.CompilerServices;

namespace SaTools.Engine.Rbac;

/// <summary>
/// Whether one policy rule allows one request, exactly as the API server's RBAC authorizer decides it.
/// Ported from kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches,
/// ResourceMatches, ResourceNameMatches, NonResourceURLMatches) and plugin/pkg/auth/authorizer/rbac/rbac.go
/// (RuleAllows). All comparisons are ordinal and case-sensitive, as Go's string equality is. The lists are walked by
/// index: a foreach over an IReadOnlyList allocates an enumerator, and these are asked of every rule a
/// ServiceAccount holds, for every ServiceAccount of the cluster.
/// </summary>
public static class RuleMatcher
{
    public const string All = "*";

    /// <summary>plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows.</summary>
    public static bool Allows(RbacRule rule, RbacRequest request)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(request);
        if (request.IsResourceRequest)
        {
            return VerbMatches(rule, request.Verb) &&
                   ApiGroupMatches(rule, request.ApiGroup) &&
                   ResourceMatches(rule, request.CombinedResource, request.Subresource) &&
                   ResourceNameMatches(rule, request.Name);
        }

        return VerbMatches(rule, request.Verb) && NonResourceUrlMatches(rule, request.Path!);
    }

    /// <summary>A verb matches <c>*</c> or itself; an empty list matches nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool VerbMatches(RbacRule rule, string verb)
    {
        var verbs = rule.Verbs;
        for (var i = 0; i < verbs.Count; i++)
        {
            var ruleVerb = verbs[i];
            if (ruleVerb == All || string.Equals(ruleVerb, verb, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An API group matches <c>*</c> or itself (the core group is <c>""</c>); an empty list matches nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool ApiGroupMatches(RbacRule rule, string apiGroup)
    {
        var groups = rule.ApiGroups;
        for (var i = 0; i < groups.Count; i++)
        {
            var ruleGroup = groups[i];
            if (ruleGroup == All || string.Equals(ruleGroup, apiGroup, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="combinedResource"/> is <c>resource</c> or <c>resource/subresource</c>. A rule resource
    /// matches when it is <c>*</c>, the exact combined string, or <c>*/subresource</c> for a request with that
    /// subresource. Nothing else is special: <c>*/*</c> is compared like any other string, and <c>pods</c>
    /// does not cover <c>pods/exec</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool ResourceMatches(RbacRule rule, string combinedResource, string subresource)
    {
        var resources = rule.Resources;
        for (var i = 0; i < resources.Count; i++)
        {
            var ruleResource = resources[i];
            if (ruleResource == All || string.Equals(ruleResource, combinedResource, StringComparison.Ordinal))
            {
                return true;
            }

            if (subresource.Length == 0)
            {
                continue;
            }

            if (ruleResource.Length == subresource.Length + 2 &&
                ruleResource.StartsWith("*/", StringComparison.Ordinal) &&
                ruleResource.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An empty <c>resourceNames</c> list matches every request; otherwise the request's name must be listed, so
    /// a request without a name (list, watch, create, deletecollection) never matches a restricted rule.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool ResourceNameMatches(RbacRule rule, string name)
    {
        if (rule.ResourceNames.Count == 0)
        {
            return true;
        }

        var names = rule.ResourceNames;
        for (var i = 0; i < names.Count; i++)
        {
            var ruleName = names[i];
            if (string.Equals(ruleName, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A URL matches <c>*</c>, itself, or, when the rule ends in <c>*</c>, any path starting with the rule minus its
    /// trailing stars (Go's <c>strings.TrimRight(ruleURL, "*")</c>): <c>/apis/*</c> covers <c>/apis/apps</c> and
    /// <c>/apis/</c> but not <c>/apis</c>.
    /// </summary>
    public static bool NonResourceUrlMatches(RbacRule rule, string path)
    {
        var urls = rule.NonResourceUrls;
        for (var i = 0; i < urls.Count; i++)
        {
            var ruleUrl = urls[i];
            if (ruleUrl == All || string.Equals(ruleUrl, path, StringComparison.Ordinal))
            {
                return true;
            }

            if (ruleUrl.EndsWith('*') && path.StartsWith(ruleUrl.TrimEnd('*'), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
