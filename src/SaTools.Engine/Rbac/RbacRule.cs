using k8s.Models;

namespace SaTools.Engine.Rbac;

/// <summary>
/// One RBAC policy rule, as the engine hands it out (a copy of a <c>PolicyRule</c> with no KubernetesClient type
/// in its surface). Missing lists are empty, which matches nothing (pkg/apis/rbac/v1/evaluation_helpers.go).
/// </summary>
public sealed class RbacRule : IEquatable<RbacRule>
{
    private static readonly string[] None = Array.Empty<string>();

    public RbacRule(
        IEnumerable<string>? verbs,
        IEnumerable<string>? apiGroups = null,
        IEnumerable<string>? resources = null,
        IEnumerable<string>? resourceNames = null,
        IEnumerable<string>? nonResourceUrls = null)
    {
        Verbs = Copy(verbs);
        ApiGroups = Copy(apiGroups);
        Resources = Copy(resources);
        ResourceNames = Copy(resourceNames);
        NonResourceUrls = Copy(nonResourceUrls);
    }

    public IReadOnlyList<string> Verbs { get; }
    public IReadOnlyList<string> ApiGroups { get; }
    public IReadOnlyList<string> Resources { get; }
    public IReadOnlyList<string> ResourceNames { get; }
    public IReadOnlyList<string> NonResourceUrls { get; }

    /// <summary>True when the rule is about non-resource URLs (it then has no resources).</summary>
    public bool IsNonResourceRule => NonResourceUrls.Count > 0 && Resources.Count == 0;

    internal static RbacRule From(V1PolicyRule rule) =>
        new(rule.Verbs, rule.ApiGroups, rule.Resources, rule.ResourceNames, rule.NonResourceURLs);

    private static string[] Copy(IEnumerable<string>? values)
    {
        if (values is null)
        {
            return None;
        }

        var array = values.Select(v => v ?? string.Empty).ToArray();
        return array.Length == 0 ? None : array;
    }

    /// <summary>Structural equality, as the aggregation controller's <c>ruleExists</c> compares rules.</summary>
    public bool Equals(RbacRule? other) =>
        other is not null &&
        Verbs.SequenceEqual(other.Verbs, StringComparer.Ordinal) &&
        ApiGroups.SequenceEqual(other.ApiGroups, StringComparer.Ordinal) &&
        Resources.SequenceEqual(other.Resources, StringComparer.Ordinal) &&
        ResourceNames.SequenceEqual(other.ResourceNames, StringComparer.Ordinal) &&
        NonResourceUrls.SequenceEqual(other.NonResourceUrls, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as RbacRule);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var list in new[] { Verbs, ApiGroups, Resources, ResourceNames, NonResourceUrls })
        {
            hash.Add(list.Count);
            foreach (var value in list)
            {
                hash.Add(value, StringComparer.Ordinal);
            }
        }

        return hash.ToHashCode();
    }

    public override string ToString()
    {
        if (IsNonResourceRule)
        {
            return $"verbs=[{string.Join(",", Verbs)}] nonResourceURLs=[{string.Join(",", NonResourceUrls)}]";
        }

        var text = $"verbs=[{string.Join(",", Verbs)}] apiGroups=[{string.Join(",", ApiGroups.Select(g => g.Length == 0 ? "\"\"" : g))}] resources=[{string.Join(",", Resources)}]";
        return ResourceNames.Count == 0 ? text : text + $" resourceNames=[{string.Join(",", ResourceNames)}]";
    }
}
