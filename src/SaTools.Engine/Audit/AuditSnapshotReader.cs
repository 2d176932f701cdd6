using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Rbac;
using SaTools.Engine.Threading;
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

        // The audit's own lists share the connection's list slots with the RBAC reader's (KubeApi.StartLists), so
        // however many kinds are read, no more than KubeApi.ListConcurrency lists are on the wire at once. The RBAC
        // reader opens its own set on the same slots; it runs beside this set, not inside one of its slots.
        // Slots go in the order lists are started, so pods, the longest list by far (80 of the 181 pages at the
        // benchmark's scale), is started first and never waits behind a shorter one: the audit takes as long as
        // its pods list, not longer. Each pod is cut down to what the checks read as its page arrives.
        await using var lists = _api.StartLists(cancellationToken);
        var pods = lists.Read(t => _api.ListPodsAsync(null, null, onPage, t, AuditPodFields.Fields), AuditPod.From);
        var rbac = new RbacSnapshotReader(_api).ReadAsync(includeServiceAccounts: true, AuditServiceAccountFields.Fields, onPage, lists.Token);
        // The RBAC lists end well before the pods list: what the checks ask of RBAC is answered meanwhile.
        var permissions = PrepareAsync(rbac, lists.Token);
        var namespaces = lists.Read(t => _api.ListNamespacesAsync(null, onPage, t), ns => ns.Metadata?.Name ?? string.Empty);
        var secrets = lists.Start(t => ReadSecretsUnlessForbiddenAsync(onPage, verdicts, t));
        var replicaSets = lists.Start(t => UsageService.TryReadOwnersAsync(UsageService.ListReplicaSetsAsync(_api, null, t)));
        var jobs = lists.Start(t => UsageService.TryReadOwnersAsync(UsageService.ListJobsAsync(_api, null, t)));

        try
        {
            await Task.WhenAll(rbac, lists.WhenAllAsync()).ConfigureAwait(false);
        }
        catch when (rbac.IsFaulted)
        {
            // The RBAC reader's failure first: its message names the missing permission.
            throw rbac.Exception!.InnerExceptions[0];
        }

        return new AuditSnapshot(namespaces.Result, pods.Result, secrets.Result, verdicts.ToDictionary(kv => kv.Key, kv => kv.Value),
            replicaSets.Result.Owners, jobs.Result.Owners, rbac.Result, await permissions.ConfigureAwait(false));
    }

    /// <summary>The RBAC answers, on a thread of their own once the RBAC snapshot is read; null when it was not (the
    /// failure is the RBAC reader's to report).</summary>
    private static async Task<AuditPermissions?> PrepareAsync(Task<RbacSnapshot> rbac, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await rbac.ConfigureAwait(false);
            return await CpuBoundWork.RunAsync(() => AuditPermissions.Prepare(snapshot, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (rbac.IsFaulted || rbac.IsCanceled || cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The Secrets, each stripped of its data as it arrives (SA09's verdicts kept instead); null on a 403,
    /// so SA07 and SA09 are skipped rather than the whole audit failing.</summary>
    private async Task<List<V1Secret>?> ReadSecretsUnlessForbiddenAsync(Action<ListProgress>? onPage,
        System.Collections.Concurrent.ConcurrentDictionary<(string, string), IReadOnlyList<CloudCredentialDetector.Match>> verdicts,
        CancellationToken cancellationToken)
    {
        try
        {
            var kept = new List<V1Secret>();
            await foreach (var secret in _api.ListSecretsAsync(null, null, onPage, cancellationToken).ConfigureAwait(false))
            {
                kept.Add(AuditSnapshot.Strip(secret, verdicts));
            }
            return kept;
        }
        catch (KubeApiException e) when (e.Kind == KubeErrorKind.Forbidden)
        {
            return null;
        }
    }
}
