using k8s.Models;

namespace SaTools.Engine.LegacyTokens;

/// <summary>
/// Whether a pod references a Secret: as a volume (directly or inside a projected volume), through an
/// environment variable (<c>valueFrom.secretKeyRef</c>) or a whole-Secret import (<c>envFrom.secretRef</c>), in
/// any container, init container or ephemeral container. Image pull secrets are not token mounts and are ignored.
/// </summary>
internal static class SecretReferences
{
    public static bool PodReferences(V1Pod pod, string secretName)
    {
        var spec = pod.Spec;
        if (spec is null)
        {
            return false;
        }
        foreach (var volume in spec.Volumes ?? [])
        {
            if (volume.Secret?.SecretName == secretName)
            {
                return true;
            }
            if (volume.Projected?.Sources?.Any(s => s.Secret?.Name == secretName) == true)
            {
                return true;
            }
        }
        var envs = (spec.Containers ?? []).Select(c => (c.Env, c.EnvFrom))
            .Concat((spec.InitContainers ?? []).Select(c => (c.Env, c.EnvFrom)))
            .Concat((spec.EphemeralContainers ?? []).Select(c => (c.Env, c.EnvFrom)));
        foreach (var (env, envFrom) in envs)
        {
            if (env?.Any(e => e.ValueFrom?.SecretKeyRef?.Name == secretName) == true)
            {
                return true;
            }
            if (envFrom?.Any(e => e.SecretRef?.Name == secretName) == true)
            {
                return true;
            }
        }
        return false;
    }
}
