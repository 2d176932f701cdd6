using k8s.Models;

namespace SaTools.Engine.Rbac;

/// <summary>
/// Label selector evaluation as metav1.LabelSelectorAsSelector builds it
/// (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go, pkg/labels/selector.go): every
/// <c>matchLabels</c> pair and every <c>matchExpressions</c> requirement must hold; an empty selector matches
/// everything. <see cref="IsValid(V1LabelSelector?)"/> tells the selectors LabelSelectorAsSelector refuses (an unknown operator,
/// In/NotIn without values, Exists/DoesNotExist with values: labels.NewRequirement); such a selector matches
/// nothing here, and the aggregation controller does not sync a role that has one (see <see cref="RoleAggregator"/>).
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

    /// <summary>Whether LabelSelectorAsSelector accepts the selector's requirements (label syntax is not checked).</summary>
    public static bool IsValid(V1LabelSelector? selector) =>
        selector is not null && (selector.MatchExpressions ?? Array.Empty<V1LabelSelectorRequirement>()).All(IsValid);

    private static bool IsValid(V1LabelSelectorRequirement requirement)
    {
        var count = requirement.Values?.Count ?? 0;
        return requirement.OperatorProperty switch
        {
            "In" or "NotIn" => count > 0,
            "Exists" or "DoesNotExist" => count == 0,
            _ => false,
        };
    }

    private static bool RequirementHolds(V1LabelSelectorRequirement requirement, IDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(requirement.Key ?? string.Empty, out var value);
        var values = requirement.Values ?? Array.Empty<string>();
        if (!IsValid(requirement))
        {
            return false;
        }

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
