using System.Runtime.CompilerServices;
using k8s.Models;
using SaTools.Engine.Pods;

namespace SaTools.Engine.Usage;

/// <summary>
/// What the usage join needs of one pod, taken from it as its page arrives: the whole pod (spec, status, managed
/// fields: several kilobytes) is dropped at once, so 40,000 pods cost a few megabytes, not hundreds.
/// </summary>
/// <param name="ControllerKind">The kind of the pod's controller (<c>ReplicaSet</c>, <c>Job</c>...), null when none.</param>
/// <param name="PodTemplateHash">The <c>pod-template-hash</c> label, kept only for a pod owned by a ReplicaSet
/// (to infer its Deployment when ReplicaSets cannot be read).</param>
internal sealed record PodFacts(
    string Namespace,
    string Name,
    string ServiceAccount,
    string? ControllerKind,
    string? ControllerName,
    string? PodTemplateHash,
    bool? AutomountPod,
    bool DeclaresTokenVolume,
    string? Phase)
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PodFacts From(V1Pod pod)
    {
        var controller = OwnerResolver.ControllerOf(pod.Metadata);
        string? hash = null;
        if (controller?.Kind == "ReplicaSet") pod.Metadata?.Labels?.TryGetValue("pod-template-hash", out hash);
        return new PodFacts(
            pod.Metadata?.NamespaceProperty ?? string.Empty,
            pod.Metadata?.Name ?? string.Empty,
            PodServiceAccount.NameOf(pod),
            controller?.Kind,
            controller?.Name,
            hash,
            pod.Spec?.AutomountServiceAccountToken,
            TokenMountRule.DeclaresTokenVolume(pod),
            pod.Status?.Phase);
    }
}
