using System.Runtime.CompilerServices;

namespace SaTools.Engine.Rbac;

/// <summary>
/// A who-can question: keep only the grants that allow exactly this request. Every part is optional; what is
/// left out is not constrained, except that naming a resource without a group means the core group and without a
/// name means a request without a name (as with <c>kubectl auth can-i</c>).
/// </summary>
public sealed class PermissionFilter
{
    private AskedResource? _asked;

    /// <summary>The verb (<c>get</c>, <c>create</c>...).</summary>
    public string? Verb { get; init; }

    /// <summary><c>pods</c>, <c>pods/exec</c>, or kubectl's <c>deployments.apps</c> spelling.</summary>
    public string? Resource { get; init; }

    /// <summary>The API group; <c>""</c> (or null with a resource) is the core group.</summary>
    public string? ApiGroup { get; init; }

    public string? ResourceName { get; init; }

    public string? NonResourceUrl { get; init; }

    /// <summary>A namespace, or <see cref="EffectiveGrant.ClusterScope"/> for cluster-scoped and all-namespace
    /// requests; null for any scope.</summary>
    public string? Scope { get; init; }

    public bool IsEmpty =>
        Verb is null && Resource is null && ApiGroup is null && ResourceName is null && NonResourceUrl is null && Scope is null;

    /// <summary>True when the filter asks about a request (not only a scope).</summary>
    public bool ConstrainsRequest =>
        Verb is not null || Resource is not null || ApiGroup is not null || ResourceName is not null || NonResourceUrl is not null;

    /// <summary>Checks the combination makes sense; throws <see cref="ArgumentException"/> with a clear message.</summary>
    public void Validate()
    {
        if (NonResourceUrl is not null && (Resource is not null || ApiGroup is not null || ResourceName is not null))
        {
            throw new ArgumentException("A non-resource URL cannot be combined with a resource, API group or resource name.");
        }

        if (NonResourceUrl is not null && !NonResourceUrl.StartsWith('/'))
        {
            throw new ArgumentException($"The non-resource URL '{NonResourceUrl}' must start with '/'.");
        }

        if (NonResourceUrl is not null && Scope is not null && Scope != EffectiveGrant.ClusterScope)
        {
            throw new ArgumentException("Non-resource URLs are not namespaced; use the scope 'Cluster' or none.");
        }

        if (Resource is not null && Resource.Trim().Length == 0)
        {
            throw new ArgumentException("The resource is empty.");
        }
    }

    /// <summary>The exact request this filter asks about, when it names one (for a SubjectAccessReview).</summary>
    public RbacRequest? ToRequest()
    {
        if (Verb is null)
        {
            return null;
        }

        var ns = Scope is null || Scope == EffectiveGrant.ClusterScope ? null : Scope;
        if (NonResourceUrl is not null)
        {
            return RbacRequest.ForNonResourceUrl(Verb, NonResourceUrl);
        }

        return Resource is null ? null : RbacRequest.ForResource(Verb, Resource, ApiGroup, ResourceName, ns);
    }

    /// <summary>Whether the grant passes the scope part of the filter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool ScopeAllows(string? grantNamespace)
    {
        if (NonResourceUrl is not null && grantNamespace is not null)
        {
            // Non-resource requests carry no namespace, so only ClusterRoleBindings authorize them.
            return false;
        }

        if (Scope is null)
        {
            return true;
        }

        if (Scope == EffectiveGrant.ClusterScope)
        {
            return grantNamespace is null;
        }

        // A request in a namespace is allowed by ClusterRoleBindings and by RoleBindings of that namespace.
        return grantNamespace is null || string.Equals(grantNamespace, Scope, StringComparison.Ordinal);
    }

    /// <summary>Whether the rule allows the request part of the filter (RuleMatcher semantics).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool RuleAllows(RbacRule rule)
    {
        if (Verb is not null && !RuleMatcher.VerbMatches(rule, Verb))
        {
            return false;
        }

        if (NonResourceUrl is not null)
        {
            return RuleMatcher.NonResourceUrlMatches(rule, NonResourceUrl);
        }

        if (Resource is not null)
        {
            // Parsed once per filter, not once per rule: a filter meets every rule of every ServiceAccount (on two
            // threads at once in EffectivePermissionReader, hence the whole record published in one reference).
            var asked = Volatile.Read(ref _asked) ?? Interlocked.CompareExchange(ref _asked, AskedResource.Of(Resource, ApiGroup), null) ?? _asked!;
            return RuleMatcher.ApiGroupMatches(rule, asked.Group) &&
                   RuleMatcher.ResourceMatches(rule, asked.Combined, asked.Subresource) &&
                   RuleMatcher.ResourceNameMatches(rule, ResourceName ?? string.Empty);
        }

        if (ApiGroup is not null && !RuleMatcher.ApiGroupMatches(rule, ApiGroup))
        {
            return false;
        }

        if (ResourceName is not null && (rule.Resources.Count == 0 || !RuleMatcher.ResourceNameMatches(rule, ResourceName)))
        {
            return false;
        }

        return true;
    }
}

/// <summary>-Resource (kubectl's spelling) split once: the group asked for, <c>resource[/subresource]</c> and the subresource.</summary>
internal sealed record AskedResource(string Group, string Combined, string Subresource)
{
    public static AskedResource Of(string resource, string? apiGroup)
    {
        var (plain, suffixGroup, subresource) = RbacRequest.ParseResource(resource.Trim());
        return new AskedResource(apiGroup ?? suffixGroup ?? string.Empty, subresource.Length == 0 ? plain : plain + "/" + subresource, subresource);
    }
}
