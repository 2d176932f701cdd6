using System.Runtime.CompilerServices;
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
    internal static bool DeclaresTokenVolume(V1PodSpec? spec) => AnyVolumeProjectsToken(spec, withoutAudienceOnly: false);

    /// <summary>The name prefix of the volume the admission plugin adds itself: <c>kube-api-access-</c> and five
    /// random characters (admission.go, mountServiceAccountToken: ServiceAccountVolumeName + "-", generated).</summary>
    public const string AdmissionVolumePrefix = "kube-api-access-";

    /// <summary>True when the pod or template asks for a token with a projected volume of its own (not the
    /// admission plugin's <see cref="AdmissionVolumePrefix"/> volume, which follows the automount fields): its pods
    /// get that token even with <c>automountServiceAccountToken: false</c>, so the field cannot take it away.</summary>
    internal static bool DeclaresOwnTokenVolume(V1PodSpec? spec) =>
        spec?.Volumes?.Any(v => ProjectsToken(v) && v.Name?.StartsWith(AdmissionVolumePrefix, StringComparison.Ordinal) != true) == true;

    /// <summary>Whether a volume of the spec projects a token (with <paramref name="withoutAudienceOnly"/>: one without
    /// an audience). Asked of every pod read (40,000 at scale): indexed loops, no enumerator or closure per pod.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AnyVolumeProjectsToken(V1PodSpec? spec, bool withoutAudienceOnly)
    {
        var volumes = spec?.Volumes;
        for (var v = 0; v < (volumes?.Count ?? 0); v++)
        {
            if (ProjectsToken(volumes![v], withoutAudienceOnly))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ProjectsToken(V1Volume volume, bool withoutAudienceOnly = false)
    {
        var sources = volume.Projected?.Sources;
        for (var s = 0; s < (sources?.Count ?? 0); s++)
        {
            if (sources![s].ServiceAccountToken is { } projection && (!withoutAudienceOnly || string.IsNullOrEmpty(projection.Audience)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The most <c>expirationSeconds</c> a declared token should ask for (checklist: "projected tokens with
    /// explicit expiration"; docs: tasks/configure-pod-container/configure-service-account, "ServiceAccount token
    /// volume projection", where the kubelet rotates the token at 80% of it).</summary>
    public const long MaxExpirationSeconds = 3600;

    /// <summary>
    /// True when a projected serviceAccountToken source has no audience: the token's audience is then the API
    /// server's own (core/v1 ServiceAccountTokenProjection.audience: "Defaults to the identifier of the apiserver"),
    /// so the API server accepts it. The admission plugin's own volume counts too (it is the automounted token).
    /// </summary>
    internal static bool DeclaresApiServerTokenVolume(V1Pod pod) => AnyVolumeProjectsToken(pod.Spec, withoutAudienceOnly: true);

    /// <summary>The token projections the pod's author declared, with their volume's name (not the admission
    /// plugin's <see cref="AdmissionVolumePrefix"/> volume, whose 3607 seconds and missing audience are the control
    /// plane's). Asked of every pod the audit reads (40,000 at scale): indexed loops (a foreach over an IList
    /// allocates an enumerator), and nothing allocated for a pod without any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static IReadOnlyList<(string Volume, V1ServiceAccountTokenProjection Projection)> DeclaredTokenProjections(V1Pod pod)
    {
        List<(string, V1ServiceAccountTokenProjection)>? found = null;
        var volumes = pod.Spec?.Volumes;
        for (var v = 0; v < (volumes?.Count ?? 0); v++)
        {
            var name = volumes![v].Name ?? string.Empty;
            var sources = volumes[v].Projected?.Sources;
            if (sources is null || name.StartsWith(AdmissionVolumePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            for (var s = 0; s < sources.Count; s++)
            {
                if (sources[s].ServiceAccountToken is { } projection)
                {
                    (found ??= new()).Add((name, projection));
                }
            }
        }

        return found ?? (IReadOnlyList<(string, V1ServiceAccountTokenProjection)>)[];
    }
}
