using k8s.Models;

namespace SaTools.Engine.Tests;

/// <summary>Builds the small pods, ServiceAccounts and Secrets the unit tests need.</summary>
internal static class PodFactory
{
    public static V1Pod Pod(string name, string? sa = null, bool? automount = null, string phase = "Running",
        string ns = "ns", IList<V1Volume>? volumes = null, IList<V1Container>? containers = null,
        IList<V1OwnerReference>? owners = null, IDictionary<string, string>? labels = null, string? legacySa = null) =>
        new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, OwnerReferences = owners, Labels = labels },
            Spec = new V1PodSpec
            {
                ServiceAccountName = sa,
                ServiceAccount = legacySa,
                AutomountServiceAccountToken = automount,
                Volumes = volumes,
                Containers = containers ?? [new V1Container { Name = "c", Image = "busybox" }],
            },
            Status = new V1PodStatus { Phase = phase },
        };

    public static V1ServiceAccount Sa(string name, bool? automount = null, string ns = "ns", string? uid = null, params string[] secrets) =>
        new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = uid ?? $"uid-{name}" },
            AutomountServiceAccountToken = automount,
            Secrets = secrets.Length == 0 ? null : secrets.Select(s => new V1ObjectReference { Name = s }).ToList(),
        };

    public static V1OwnerReference Controller(string kind, string name) =>
        new() { Kind = kind, Name = name, ApiVersion = "apps/v1", Uid = $"uid-{name}", Controller = true };
}
