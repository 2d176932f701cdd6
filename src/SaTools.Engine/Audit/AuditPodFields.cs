using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Audit;

/// <summary>
/// What the audit reads of a pod (<see cref="AuditPod.From"/>): the usage join's fields
/// (<see cref="UsagePodFields"/>), plus the creation time, the token projections' expirationSeconds, and every place
/// a pod names a Secret (<see cref="LegacyTokens.SecretReferences"/>: secret and projected volumes, containers'
/// env valueFrom.secretKeyRef and envFrom.secretRef). Nothing else of a container is built.
/// </summary>
internal static class AuditPodFields
{
    public static readonly ListFields Fields = new(Keep());

    private static Dictionary<Type, string[]> Keep()
    {
        var keep = UsagePodFields.Keep.ToDictionary(kv => kv.Key, kv => kv.Value);
        void Add(Type type, params string[] names) =>
            keep[type] = keep.TryGetValue(type, out var had) ? had.Concat(names).Distinct().ToArray() : names;

        Add(typeof(V1ObjectMeta), "creationTimestamp");
        Add(typeof(V1PodSpec), "containers", "initContainers", "ephemeralContainers");
        Add(typeof(V1Volume), "secret");
        Add(typeof(V1SecretVolumeSource), "secretName");
        Add(typeof(V1VolumeProjection), "secret");
        Add(typeof(V1SecretProjection), "name");
        Add(typeof(V1ServiceAccountTokenProjection), "expirationSeconds");
        foreach (var container in new[] { typeof(V1Container), typeof(V1EphemeralContainer) })
        {
            Add(container, "env", "envFrom");
        }
        Add(typeof(V1EnvVar), "valueFrom");
        Add(typeof(V1EnvVarSource), "secretKeyRef");
        Add(typeof(V1SecretKeySelector), "name");
        Add(typeof(V1EnvFromSource), "secretRef");
        Add(typeof(V1SecretEnvSource), "name");
        return keep;
    }
}
