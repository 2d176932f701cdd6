using k8s.Models;

namespace SaTools.Engine.Pods;

/// <summary>
/// The one home of the pod token-mount rule: whether a pod carries a ServiceAccount token. The ServiceAccount
/// admission plugin mounts one when a pod is created unless the pod's <c>automountServiceAccountToken</c> says
/// false, or the pod leaves it unset and the ServiceAccount's says false: the pod field wins, then the
/// ServiceAccount field, then true (plugin/pkg/admission/serviceaccount/admission.go, shouldAutomount; docs:
/// tasks/configure-pod-container/configure-service-account, "Opt out of API credential automounting": "the pod
/// spec takes precedence"). A projected volume with a <c>serviceAccountToken</c> source declared in the pod puts a
/// token in the pod whatever the fields say. Usage reporting, the ServiceAccount automount planner and the
/// workload template planner all ask here.
/// </summary>
public static class TokenMountRule
{
    /// <summary>Whether the pod ends up with a token.</summary>
    public static bool Effective(bool? podField, bool? serviceAccountField, bool declaresTokenVolume) =>
        declaresTokenVolume || (podField ?? serviceAccountField ?? true);

    /// <summary>True when the pod (or pod template) leaves its own field unset, so the ServiceAccount's field decides
    /// whether the admission plugin mounts a token: only such pods change when the ServiceAccount's field does.</summary>
    internal static bool FollowsServiceAccount(V1PodSpec? spec) => spec?.AutomountServiceAccountToken is null;

    /// <summary>True when a volume of the pod projects a ServiceAccount token. The admission plugin's own
    /// <c>kube-api-access-*</c> volume is one too, and it is only there when automount was on, so counting it
    /// never changes <see cref="Effective"/>; a hand-declared one is what makes the difference.</summary>
    internal static bool DeclaresTokenVolume(V1Pod pod) => DeclaresTokenVolume(pod.Spec);

    /// <summary>True when the spec declares a projected <c>serviceAccountToken</c> volume source.</summary>
    internal static bool DeclaresTokenVolume(V1PodSpec? spec) =>
        spec?.Volumes?.Any(ProjectsToken) == true;

    /// <summary>The name prefix of the volume the admission plugin adds itself: <c>kube-api-access-</c> and five
    /// random characters (admission.go, mountServiceAccountToken: ServiceAccountVolumeName + "-", generated).</summary>
    public const string AdmissionVolumePrefix = "kube-api-access-";

    /// <summary>True when the pod or template asks for a token with a projected volume of its own (not the
    /// admission plugin's <see cref="AdmissionVolumePrefix"/> volume, which follows the automount fields): its pods
    /// get that token even with <c>automountServiceAccountToken: false</c>, so the field cannot take it away.</summary>
    internal static bool DeclaresOwnTokenVolume(V1PodSpec? spec) =>
        spec?.Volumes?.Any(v => ProjectsToken(v) && v.Name?.StartsWith(AdmissionVolumePrefix, StringComparison.Ordinal) != true) == true;

    private static bool ProjectsToken(V1Volume v) => v.Projected?.Sources?.Any(s => s.ServiceAccountToken is not null) == true;

    /// <summary>The most <c>expirationSeconds</c> a declared token should ask for (checklist: "projected tokens with
    /// explicit expiration"; docs: tasks/configure-pod-container/configure-service-account, "ServiceAccount token
    /// volume projection", where the kubelet rotates the token at 80% of it).</summary>
    public const long MaxExpirationSeconds = 3600;

    /// <summary>
    /// True when a projected serviceAccountToken source has no audience: the token's audience is then the API
    /// server's own (core/v1 ServiceAccountTokenProjection.audience: "Defaults to the identifier of the apiserver"),
    /// so the API server accepts it. The admission plugin's own volume counts too (it is the automounted token).
    /// </summary>
    internal static bool DeclaresApiServerTokenVolume(V1Pod pod) =>
        TokenProjections(pod).Any(p => string.IsNullOrEmpty(p.Projection.Audience));

    /// <summary>Every projected serviceAccountToken source of the pod, with its volume's name.</summary>
    internal static IEnumerable<(string Volume, V1ServiceAccountTokenProjection Projection)> TokenProjections(V1Pod pod) =>
        (pod.Spec?.Volumes ?? Array.Empty<V1Volume>())
            .SelectMany(v => (v.Projected?.Sources ?? Array.Empty<V1VolumeProjection>())
                .Where(s => s.ServiceAccountToken is not null)
                .Select(s => (v.Name ?? string.Empty, s.ServiceAccountToken)));

    /// <summary>The token projections the pod's author declared (not the admission plugin's
    /// <see cref="AdmissionVolumePrefix"/> volume, whose 3607 seconds and missing audience are the control plane's).</summary>
    internal static IEnumerable<(string Volume, V1ServiceAccountTokenProjection Projection)> DeclaredTokenProjections(V1Pod pod) =>
        TokenProjections(pod).Where(p => !p.Volume.StartsWith(AdmissionVolumePrefix, StringComparison.Ordinal));
}
