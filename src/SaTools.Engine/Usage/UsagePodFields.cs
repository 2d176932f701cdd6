using k8s.Models;
using SaTools.Engine.Api;

namespace SaTools.Engine.Usage;

/// <summary>
/// What the usage join reads of a pod (<see cref="PodFacts.From"/>): its name, namespace, uid, the
/// pod-template-hash label and controller, the ServiceAccount fields, the projected token volumes and the phase.
/// The pod list, the largest of all (40,000 pods at the benchmark's scale), is parsed into these alone.
/// </summary>
internal static class UsagePodFields
{
    public static readonly ListFields Fields = new(Keep);

    /// <summary>The JSON properties kept per model type; the audit's pod parse (<see cref="Audit.AuditPodFields"/>)
    /// starts from these.</summary>
    internal static IReadOnlyDictionary<Type, string[]> Keep => new Dictionary<Type, string[]>
    {
        [typeof(V1Pod)] = ["metadata", "spec", "status"],
        [typeof(V1ObjectMeta)] = ["name", "namespace", "uid", "labels", "ownerReferences"],
        [typeof(V1OwnerReference)] = ["kind", "name", "controller"],
        [typeof(V1PodSpec)] = ["serviceAccountName", "serviceAccount", "automountServiceAccountToken", "volumes"],
        [typeof(V1Volume)] = ["name", "projected"],
        [typeof(V1ProjectedVolumeSource)] = ["sources"],
        [typeof(V1VolumeProjection)] = ["serviceAccountToken"],
        [typeof(V1ServiceAccountTokenProjection)] = ["path", "audience"],
        [typeof(V1PodStatus)] = ["phase"],
    };
}
