using System.Runtime.CompilerServices;
using k8s.Models;
using SaTools.Engine.Api;

namespace SaTools.Engine.Inventory;

/// <summary>Lists and reads ServiceAccounts, streaming pages as they arrive.</summary>
public sealed class ServiceAccountInventory
{
    private readonly KubeApi _api;

    public ServiceAccountInventory(KubeApi api) => _api = api ?? throw new ArgumentNullException(nameof(api));

    /// <summary>Every ServiceAccount in <paramref name="namespace"/> (all namespaces when null) matching the label selector.</summary>
    public async IAsyncEnumerable<ServiceAccountRecord> ListAsync(
        string? @namespace,
        string? labelSelector,
        Action<ListProgress>? onPage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var sa in _api.ListServiceAccountsAsync(@namespace, labelSelector, onPage, cancellationToken).ConfigureAwait(false))
        {
            yield return ToRecord(sa);
        }
    }

    /// <summary>One ServiceAccount; <see cref="KubeApiException"/> with <see cref="KubeErrorKind.NotFound"/> when absent.</summary>
    public async Task<ServiceAccountRecord> GetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        ToRecord(await _api.GetServiceAccountAsync(@namespace, name, cancellationToken).ConfigureAwait(false));

    internal static ServiceAccountRecord ToRecord(V1ServiceAccount sa)
    {
        var meta = sa.Metadata ?? new V1ObjectMeta();
        var annotations = Copy(meta.Annotations);
        return new ServiceAccountRecord
        {
            Namespace = meta.NamespaceProperty ?? "",
            Name = meta.Name ?? "",
            Uid = meta.Uid,
            Created = meta.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null,
            AutomountServiceAccountToken = sa.AutomountServiceAccountToken,
            Secrets = sa.Secrets?.Select(s => s.Name).Where(n => !string.IsNullOrEmpty(n)).ToList()! ?? new List<string>(),
            ImagePullSecrets = sa.ImagePullSecrets?.Select(s => s.Name).Where(n => !string.IsNullOrEmpty(n)).ToList()! ?? new List<string>(),
            Labels = Copy(meta.Labels),
            Annotations = annotations,
            WorkloadIdentities = WorkloadIdentity.From(annotations),
        };
    }

    private static IReadOnlyDictionary<string, string> Copy(IDictionary<string, string>? source) =>
        source is null ? new Dictionary<string, string>() : new SortedDictionary<string, string>(source, StringComparer.Ordinal);
}
