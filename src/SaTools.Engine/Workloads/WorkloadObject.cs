using k8s.Models;

namespace SaTools.Engine.Workloads;

/// <summary>
/// A workload as read from the cluster, reduced to what the automount decision needs: the pod spec of its template
/// (the pod's own spec for a bare pod), its controller, and the resourceVersion a write is conditioned on.
/// </summary>
internal sealed record WorkloadObject(
    WorkloadKind Kind,
    string Namespace,
    string Name,
    string? ResourceVersion,
    V1OwnerReference? Controller,
    V1PodSpec? PodSpec,
    string? UpdateStrategy,
    V1Pod? Pod = null)
{
    public bool HasController => Controller is not null;

    /// <summary>automountServiceAccountToken of the template (or bare pod).</summary>
    public bool? TemplateAutomount => PodSpec?.AutomountServiceAccountToken;

    /// <summary>The ServiceAccount the pods run as.</summary>
    public string ServiceAccount => Pods.PodServiceAccount.NameOf(PodSpec);
}
