using k8s.Models;
using SaTools.Engine.Rbac;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Audit;

/// <summary>
/// The audit's snapshot from exported files (-InputFile: <c>kubectl get ... -o json|yaml</c> output, or manifests
/// not yet applied), parsed by <see cref="RbacManifestLoader"/> as Get-K8sEffectivePermission -InputFile parses
/// them. Secrets' data is inspected for SA09 and dropped at once, as for a live cluster.
/// </summary>
public static class AuditManifestLoader
{
    /// <exception cref="RbacManifestException">A file cannot be read or parsed.</exception>
    public static AuditSnapshot LoadFiles(IEnumerable<string> paths)
    {
        var objects = RbacManifestLoader.LoadObjects(paths);
        var verdicts = new Dictionary<(string, string), IReadOnlyList<CloudCredentialDetector.Match>>();
        var secrets = objects.Secrets.Select(s => AuditSnapshot.Strip(s, verdicts)).ToList();
        objects.Secrets.Clear();

        var namespaces = objects.Namespaces.Select(n => n.Metadata?.Name)
            .Concat(objects.ServiceAccounts.Select(o => o.Metadata?.NamespaceProperty))
            .Concat(objects.Pods.Select(o => o.Metadata?.NamespaceProperty))
            .Concat(secrets.Select(o => o.Metadata?.NamespaceProperty))
            .Concat(objects.RoleBindings.Select(o => o.Metadata?.NamespaceProperty))
            .Where(n => !string.IsNullOrEmpty(n)).Select(n => n!)
            .Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();

        return new AuditSnapshot(namespaces, objects.Pods.Select(AuditPod.From).ToList(), secrets, verdicts,
            objects.ReplicaSets.Count == 0 ? null : Owners(objects.ReplicaSets),
            objects.Jobs.Count == 0 ? null : Owners(objects.Jobs),
            objects.ToSnapshot());
    }

    private static IReadOnlyDictionary<(string Namespace, string Name), WorkloadOwner?> Owners<T>(IEnumerable<T> items)
        where T : IMetadata<V1ObjectMeta>
    {
        var owners = new Dictionary<(string, string), WorkloadOwner?>();
        foreach (var item in items)
        {
            owners[(item.Metadata?.NamespaceProperty ?? string.Empty, item.Metadata?.Name ?? string.Empty)] = OwnerResolver.ControllerOwnerOf(item.Metadata);
        }
        return owners;
    }
}
