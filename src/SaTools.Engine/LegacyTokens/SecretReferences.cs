using k8s.Models;

namespace SaTools.Engine.LegacyTokens;

/// <summary>
/// Whether a pod references a Secret: as a volume (directly or inside a projected volume), through an
/// environment variable (<c>valueFrom.secretKeyRef</c>) or a whole-Secret import (<c>envFrom.secretRef</c>), in
/// any container, init container or ephemeral container. Image pull secrets are not token mounts and are ignored.
/// </summary>
internal static class SecretReferences
{
    public static bool PodReferences(V1Pod pod, string secretName) =>
        ReferencedNames(pod).Contains(secretName, StringComparer.Ordinal);

    /// <summary>The name of every Secret the pod references (a name may come more than once), as listed above.</summary>
    public static IEnumerable<string> ReferencedNames(V1Pod pod)
    {
        var spec = pod.Spec;
        if (spec is null)
        {
            yield break;
        }
        foreach (var volume in spec.Volumes ?? [])
        {
            if (volume.Secret?.SecretName is { } direct)
            {
                yield return direct;
            }
            foreach (var source in volume.Projected?.Sources ?? [])
            {
                if (source.Secret?.Name is { } projected)
                {
                    yield return projected;
                }
            }
        }
        var envs = (spec.Containers ?? []).Select(c => (c.Env, c.EnvFrom))
            .Concat((spec.InitContainers ?? []).Select(c => (c.Env, c.EnvFrom)))
            .Concat((spec.EphemeralContainers ?? []).Select(c => (c.Env, c.EnvFrom)));
        foreach (var (env, envFrom) in envs)
        {
            foreach (var e in env ?? [])
            {
                if (e.ValueFrom?.SecretKeyRef?.Name is { } key)
                {
                    yield return key;
                }
            }
            foreach (var e in envFrom ?? [])
            {
                if (e.SecretRef?.Name is { } all)
                {
                    yield return all;
                }
            }
        }
    }
}
