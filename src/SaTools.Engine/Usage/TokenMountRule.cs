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

    /// <summary>The name prefix of the volume the ServiceAccount admission plugin adds
    /// (plugin/pkg/admission/serviceaccount/admission.go, ServiceAccountVolumeName "kube-api-access-" + suffix).</summary>
    public const string AdmissionVolumePrefix = "kube-api-access-";

    /// <summary>The most <c>expirationSeconds</c> a declared token should ask for (checklist: "projected tokens with
    /// explicit expiration"; the kubelet rotates at 80% of it, docs: tasks/configure-pod-container/configure-service-account,
    /// "Launch a Pod using service account token projection").</summary>
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

    /// <summary>The token projections the pod's author declared (not the admission plugin's kube-api-access-*
    /// volume, whose 3607 seconds and missing audience are the control plane's choice).</summary>
    internal static IEnumerable<(string Volume, V1ServiceAccountTokenProjection Projection)> DeclaredTokenProjections(V1Pod pod) =>
        TokenProjections(pod).Where(p => !p.Volume.StartsWith(AdmissionVolumePrefix, StringComparison.Ordinal));
}
