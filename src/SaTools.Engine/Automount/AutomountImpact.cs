using k8s.Models;
using SaTools.Engine.Pods;

namespace SaTools.Engine.Automount;

/// <summary>
/// Which pods lose their ServiceAccount token at their next restart when a ServiceAccount's
/// <c>automountServiceAccountToken</c> becomes false: those that follow the ServiceAccount's field
/// (<see cref="TokenMountRule.FollowsServiceAccount"/>, where the rule is). Pods that already hold their token keep
/// it until they are replaced; their replacements will not get one.
/// </summary>
internal static class AutomountImpact
{
    /// <summary>Names of the live pods (not Succeeded/Failed) in the ServiceAccount's namespace that use it and
    /// leave <c>automountServiceAccountToken</c> unset, sorted.</summary>
    public static IReadOnlyList<string> PodsRelyingOnToken(IEnumerable<V1Pod> podsInNamespace, string serviceAccount) =>
        podsInNamespace
            .Where(IsLive)
            .Where(p => PodServiceAccount.NameOf(p) == serviceAccount)
            .Where(p => TokenMountRule.FollowsServiceAccount(p.Spec))
            .Select(p => p.Metadata?.Name ?? string.Empty)
            .Where(n => n.Length > 0)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

    /// <summary>A pod that has finished (phase Succeeded or Failed) is not running and holds no mounted token.</summary>
    public static bool IsLive(V1Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed");
}
