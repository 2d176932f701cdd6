using System.Runtime.CompilerServices;
using k8s.Models;

namespace SaTools.Engine.Usage;

/// <summary>
/// Resolves a pod's controller to the workload an operator knows: a ReplicaSet's Deployment, a Job's CronJob;
/// StatefulSet, DaemonSet and bare ReplicaSets/Jobs as they are. The controller is the ownerReference with
/// <c>controller: true</c> (apimachinery metav1.GetControllerOf).
/// </summary>
internal sealed class OwnerResolver
{
    private readonly IReadOnlyDictionary<(string Namespace, string Name), WorkloadOwner?>? _replicaSetOwners;
    private readonly IReadOnlyDictionary<(string Namespace, string Name), WorkloadOwner?>? _jobOwners;

    /// <param name="replicaSetOwners">The controller of each ReplicaSet (null value: none), or null when
    /// ReplicaSets could not be read; then a Deployment is inferred from the naming convention.</param>
    /// <param name="jobOwners">The controller of each Job, or null when Jobs could not be read; then a Job is
    /// reported as itself.</param>
    public OwnerResolver(
        IReadOnlyDictionary<(string Namespace, string Name), WorkloadOwner?>? replicaSetOwners,
        IReadOnlyDictionary<(string Namespace, string Name), WorkloadOwner?>? jobOwners)
    {
        _replicaSetOwners = replicaSetOwners;
        _jobOwners = jobOwners;
    }

    /// <summary>True when Deployments were inferred from names because ReplicaSets could not be read.</summary>
    public bool InfersDeployments => _replicaSetOwners is null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V1OwnerReference? ControllerOf(V1ObjectMeta? meta)
    {
        // Asked of every pod read: an indexed loop, as a LINQ FirstOrDefault over the IList allocates per pod.
        var references = meta?.OwnerReferences;
        for (var i = 0; i < (references?.Count ?? 0); i++)
        {
            if (references![i].Controller == true)
            {
                return references[i];
            }
        }

        return null;
    }

    /// <summary>An object's controller as a <see cref="WorkloadOwner"/> (what the owner maps keep of a ReplicaSet or Job).</summary>
    public static WorkloadOwner? ControllerOwnerOf(V1ObjectMeta? meta) =>
        ControllerOf(meta) is { } c ? new WorkloadOwner(c.Kind, c.Name) : null;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public WorkloadOwner? Resolve(PodFacts pod)
    {
        if (pod.ControllerKind is not { } kind || pod.ControllerName is not { } name)
        {
            return null;
        }
        switch (kind)
        {
            case "ReplicaSet":
                if (_replicaSetOwners is not null)
                {
                    return _replicaSetOwners.TryGetValue((pod.Namespace, name), out var rsOwner) && rsOwner is not null
                        ? rsOwner
                        : new WorkloadOwner("ReplicaSet", name);
                }
                return InferDeployment(pod.PodTemplateHash, name);
            case "Job":
                if (_jobOwners is not null
                    && _jobOwners.TryGetValue((pod.Namespace, name), out var jobOwner) && jobOwner is not null)
                {
                    return jobOwner;
                }
                return new WorkloadOwner("Job", name);
            default:
                return new WorkloadOwner(kind, name);
        }
    }

    /// <summary>
    /// Without the ReplicaSet, a Deployment is inferred from the name the deployment controller gives its
    /// ReplicaSets, <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>, confirmed by the pod's
    /// <c>pod-template-hash</c> label (pkg/controller/deployment/sync.go, getNewReplicaSet). Without that label the
    /// ReplicaSet is reported as it is.
    /// </summary>
    internal static WorkloadOwner InferDeployment(string? podTemplateHash, string replicaSetName)
    {
        var suffix = "-" + podTemplateHash;
        if (!string.IsNullOrEmpty(podTemplateHash) && replicaSetName.EndsWith(suffix, StringComparison.Ordinal)
            && replicaSetName.Length > suffix.Length)
        {
            return new WorkloadOwner("Deployment", replicaSetName[..^suffix.Length]);
        }
        return new WorkloadOwner("ReplicaSet", replicaSetName);
    }
}
