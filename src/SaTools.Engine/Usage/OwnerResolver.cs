using k8s.Models;

namespace SaTools.Engine.Usage;

/// <summary>
/// Resolves a pod's controller to the workload an operator knows: a ReplicaSet's Deployment, a Job's CronJob;
/// StatefulSet, DaemonSet and bare ReplicaSets/Jobs as they are. The controller is the ownerReference with
/// <c>controller: true</c> (apimachinery metav1.GetControllerOf).
/// </summary>
internal sealed class OwnerResolver
{
    private readonly IReadOnlyDictionary<(string Namespace, string Name), V1OwnerReference?>? _replicaSetOwners;
    private readonly IReadOnlyDictionary<(string Namespace, string Name), V1OwnerReference?>? _jobOwners;

    /// <param name="replicaSetOwners">The controller of each ReplicaSet (null value: none), or null when
    /// ReplicaSets could not be read; then a Deployment is inferred from the naming convention.</param>
    /// <param name="jobOwners">The controller of each Job, or null when Jobs could not be read; then a Job is
    /// reported as itself.</param>
    public OwnerResolver(
        IReadOnlyDictionary<(string Namespace, string Name), V1OwnerReference?>? replicaSetOwners,
        IReadOnlyDictionary<(string Namespace, string Name), V1OwnerReference?>? jobOwners)
    {
        _replicaSetOwners = replicaSetOwners;
        _jobOwners = jobOwners;
    }

    /// <summary>True when Deployments were inferred from names because ReplicaSets could not be read.</summary>
    public bool InfersDeployments => _replicaSetOwners is null;

    public static V1OwnerReference? ControllerOf(V1ObjectMeta? meta) =>
        meta?.OwnerReferences?.FirstOrDefault(r => r.Controller == true);

    public WorkloadOwner? Resolve(V1Pod pod)
    {
        var ns = pod.Metadata?.NamespaceProperty ?? string.Empty;
        var controller = ControllerOf(pod.Metadata);
        if (controller is null)
        {
            return null;
        }
        switch (controller.Kind)
        {
            case "ReplicaSet":
                if (_replicaSetOwners is not null)
                {
                    return _replicaSetOwners.TryGetValue((ns, controller.Name), out var rsOwner) && rsOwner is not null
                        ? new WorkloadOwner(rsOwner.Kind, rsOwner.Name)
                        : new WorkloadOwner("ReplicaSet", controller.Name);
                }
                return InferDeployment(pod, controller.Name);
            case "Job":
                if (_jobOwners is not null
                    && _jobOwners.TryGetValue((ns, controller.Name), out var jobOwner) && jobOwner is not null)
                {
                    return new WorkloadOwner(jobOwner.Kind, jobOwner.Name);
                }
                return new WorkloadOwner("Job", controller.Name);
            default:
                return new WorkloadOwner(controller.Kind, controller.Name);
        }
    }

    /// <summary>
    /// Without the ReplicaSet, a Deployment is inferred from the name the deployment controller gives its
    /// ReplicaSets, <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>, confirmed by the pod's
    /// <c>pod-template-hash</c> label (pkg/controller/deployment/sync.go, getNewReplicaSet). Without that label the
    /// ReplicaSet is reported as it is.
    /// </summary>
    internal static WorkloadOwner InferDeployment(V1Pod pod, string replicaSetName)
    {
        string? hash = null;
        pod.Metadata?.Labels?.TryGetValue("pod-template-hash", out hash);
        var suffix = "-" + hash;
        if (!string.IsNullOrEmpty(hash) && replicaSetName.EndsWith(suffix, StringComparison.Ordinal)
            && replicaSetName.Length > suffix.Length)
        {
            return new WorkloadOwner("Deployment", replicaSetName[..^suffix.Length]);
        }
        return new WorkloadOwner("ReplicaSet", replicaSetName);
    }
}
