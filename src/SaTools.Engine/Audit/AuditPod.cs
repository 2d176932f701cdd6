using System.Runtime.CompilerServices;
using k8s.Models;
using SaTools.Engine.LegacyTokens;
using SaTools.Engine.Pods;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Audit;

/// <summary>
/// What the audit keeps of one pod, taken from it as its page arrives (or as a file is loaded), so 40,000 pods cost
/// a few megabytes instead of hundreds: the usage join's <see cref="PodFacts"/> (SA02, SA03, SA05, SA10 read the
/// join) and the four things only the audit's checks read. They sit beside PodFacts rather than in it because
/// Get-K8sServiceAccountUsage needs none of them, and reading containers' environment for it would slow the
/// usage list's parse (<see cref="AuditPodFields"/> reads them for the audit alone).
/// </summary>
/// <param name="Facts">The pod as the usage join sees it.</param>
/// <param name="Mounting">The pod as SA07 dates it when it mounts a legacy token (its name and creation time:
/// <see cref="LegacyTokenCleanerRules.MountingPod.From"/>); null for a pod without a name.</param>
/// <param name="ApiServerTokenVolume">A projected serviceAccountToken without an audience, which the API server
/// accepts (<see cref="TokenMountRule.DeclaresApiServerTokenVolume(V1Pod)"/>): SA02.</param>
/// <param name="DeclaredTokenProjections">The token projections the pod's author declared
/// (<see cref="TokenMountRule.DeclaredTokenProjections"/>): SA08.</param>
/// <param name="SecretNames">Every Secret the pod references, each once (<see cref="SecretReferences.ReferencedNames"/>):
/// SA07 finds the pods that mount a legacy token here.</param>
internal sealed record AuditPod(
    PodFacts Facts,
    LegacyTokenCleanerRules.MountingPod? Mounting,
    bool ApiServerTokenVolume,
    IReadOnlyList<(string Volume, V1ServiceAccountTokenProjection Projection)> DeclaredTokenProjections,
    IReadOnlyList<string> SecretNames)
{
    public string Namespace => Facts.Namespace;
    public string Name => Facts.Name;

    /// <summary>The one way a pod becomes an <see cref="AuditPod"/>, from the cluster's trimmed list
    /// (<see cref="AuditPodFields"/>) and from -InputFile alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AuditPod From(V1Pod pod)
    {
        var secrets = SecretReferences.ReferencedNames(pod);
        return new AuditPod(
            PodFacts.From(pod),
            LegacyTokenCleanerRules.MountingPod.From(pod),
            TokenMountRule.DeclaresApiServerTokenVolume(pod),
            TokenMountRule.DeclaredTokenProjections(pod),
            secrets.Count <= 1 ? secrets : secrets.Distinct(StringComparer.Ordinal).ToArray());
    }
}
