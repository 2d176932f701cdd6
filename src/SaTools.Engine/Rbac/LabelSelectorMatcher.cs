using k8s.Models;

namespace SaTools.Engine.Rbac;

/// <summary>
/// Label selector evaluation as metav1.LabelSelectorAsSelector builds it
/// (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go, pkg/labels/selector.go): every
/// <c>matchLabels</c> pair and every <c>matchExpressions</c> requirement must hold; an empty selector matches
/// everything. An operator Kubernetes would reject makes the selector match nothing (the aggregation controller
/// gives up on such a selector).
/// </summary>
internal static class LabelSelectorMatcher
{
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        if (selector is null)
        {
            return false;
        }

        labels ??= EmptyLabels;
        if (selector.MatchLabels is not null)
        {
            foreach (var (key, value) in selector.MatchLabels)
            {
                if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        if (selector.MatchExpressions is not null)
        {
            foreach (var requirement in selector.MatchExpressions)
            {
                if (!RequirementHolds(requirement, labels))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool RequirementHolds(V1LabelSelectorRequirement requirement, IDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(requirement.Key ?? string.Empty, out var value);
        var values = requirement.Values ?? Array.Empty<string>();
        return requirement.OperatorProperty switch
        {
            "In" => present && values.Contains(value, StringComparer.Ordinal),
            "NotIn" => !present || !values.Contains(value, StringComparer.Ordinal),
            "Exists" => present,
            "DoesNotExist" => !present,
            _ => false,
        };
    }

    private static readonly IDictionary<string, string> EmptyLabels = new Dictionary<string, string>();
}
