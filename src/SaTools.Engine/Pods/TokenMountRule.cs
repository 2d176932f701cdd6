using k8s.Models;

namespace SaTools.Engine.Usage;

/// <summary>
/// Whether a pod carries a ServiceAccount token. The ServiceAccount admission plugin mounts one unless the pod's
/// <c>automountServiceAccountToken</c> says false, or the pod leaves it unset and the ServiceAccount's says false:
/// the pod field wins, then the ServiceAccount field, then true (plugin/pkg/admission/serviceaccount/admission.go,
/// shouldAutomount; docs: tasks/configure-pod-container/configure-service-account, "the pod spec takes precedence").
/// A projected volume with a <c>serviceAccountToken</c> source declared in the pod puts a token in the pod whatever
/// the fields say.
/// </summary>
public static class TokenMountRule
{
    public static bool Effective(bool? podField, bool? serviceAccountField, bool declaresTokenVolume) =>
        declaresTokenVolume || (podField ?? serviceAccountField ?? true);

    /// <summary>True when a volume of the pod projects a ServiceAccount token. The admission plugin's own
    /// <c>kube-api-access-*</c> volume is one too, and it is only there when automount was on, so counting it
    /// never changes the answer; a hand-declared one is what makes the difference.</summary>
    internal static bool DeclaresTokenVolume(V1Pod pod) =>
        pod.Spec?.Volumes?.Any(v => v.Projected?.Sources?.Any(s => s.ServiceAccountToken is not null) == true) == true;
}
