using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Rbac;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Audit;

/// <summary>
/// Reads what the audit needs with the fewest requests: one paged list across all namespaces of each kind
/// (namespaces, pods, Secrets, ReplicaSets, Jobs, and through <see cref="RbacSnapshotReader"/> ServiceAccounts,
/// Roles, RoleBindings, ClusterRoles, ClusterRoleBindings), every list at the same time, all through the one
/// request pipeline (<see cref="KubeApi"/>, <see cref="Pager"/>). Nothing is read per object or per namespace.
/// <para>
/// ReplicaSets and Jobs are optional (404 or 403: owners are inferred, as Get-K8sServiceAccountUsage does);
/// Secrets are optional too (403: SA07 and SA09 are not evaluated and the caller is told); a 403 on any other
/// list ends the audit with a <see cref="KubeApiException"/> naming the missing permission.
/// </para>
/// </summary>
public sealed class AuditSnapshotReader
{
    private readonly KubeApi _api;

    public AuditSnapshotReader(KubeApi api) => _api = api ?? throw new ArgumentNullException(nameof(api));

    public async Task<AuditSnapshot> ReadAsync(Action<ListProgress>? onPage, CancellationToken cancellationToken)
    {
        var verdicts = new System.Collections.Concurrent.ConcurrentDictionary<(string, string), IReadOnlyList<CloudCredentialDetector.Match>>();
        var rbac = new RbacSnapshotReader(_api).ReadAsync(includeServiceAccounts: true, onPage, cancellationToken);
        var namespaces = Collect(_api.ListNamespacesAsync(null, onPage, cancellationToken), ns => ns.Metadata?.Name ?? string.Empty);
        var pods = Collect(_api.ListPodsAsync(null, null, onPage, cancellationToken), p => p);
        var secrets = Optional(Collect(_api.ListSecretsAsync(null, null, onPage, cancellationToken), s => AuditSnapshot.Strip(s, verdicts)));
        var replicaSets = UsageService.TryReadOwnersAsync(UsageService.ListReplicaSetsAsync(_api, null, cancellationToken));
        var jobs = UsageService.TryReadOwnersAsync(UsageService.ListJobsAsync(_api, null, cancellationToken));

        var all = new Task[] { rbac, namespaces, pods, secrets, replicaSets, jobs };
        try
        {
            await Task.WhenAll(all).ConfigureAwait(false);
        }
        catch
        {
            // The first failure in a stable order (the RBAC reader's message names the missing permission).
            foreach (var task in all)
            {
                if (task.IsFaulted) throw task.Exception!.InnerExceptions[0];
            }
            throw;
        }

        return new AuditSnapshot(namespaces.Result, pods.Result, secrets.Result, verdicts.ToDictionary(kv => kv.Key, kv => kv.Value),
            replicaSets.Result.Owners, jobs.Result.Owners, rbac.Result);
    }

    private static async Task<List<TOut>> Collect<TIn, TOut>(IAsyncEnumerable<TIn> source, Func<TIn, TOut> map)
    {
        await Task.Yield();
        var list = new List<TOut>();
        await foreach (var item in source.ConfigureAwait(false)) list.Add(map(item));
        return list;
    }

    private static async Task<List<V1Secret>?> Optional(Task<List<V1Secret>> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.Kind == KubeErrorKind.Forbidden)
        {
            return null;
        }
    }
}
