using k8s;
using k8s.Models;
using SaTools.Engine.Api;

namespace SaTools.Engine.Usage;

/// <summary>The join of pods to ServiceAccounts, read with the fewest requests.</summary>
public sealed class ServiceAccountUsageReport
{
    public required IReadOnlyList<PodUsage> Pods { get; init; }
    public required IReadOnlyList<ServiceAccountUsageTotals> ServiceAccounts { get; init; }

    /// <summary>True when ReplicaSets could not be read (apps/v1 not served or forbidden) and Deployments were
    /// inferred from the ReplicaSet naming convention.</summary>
    public bool DeploymentsInferred { get; init; }

    /// <summary>True when some pod belongs to a Job but Jobs could not be read (batch/v1 not served or forbidden):
    /// those pods show the Job, not the CronJob that may have made it.</summary>
    public bool JobOwnersUnknown { get; init; }

    /// <summary>ReplicaSets read to climb to Deployments (null: none read, because no pod needed it or the read
    /// was refused).</summary>
    public int? ReplicaSetsRead { get; init; }

    /// <summary>Jobs read to climb to CronJobs (null: none read).</summary>
    public int? JobsRead { get; init; }
}

/// <summary>
/// Reads pods and ServiceAccounts (one list each, cluster-wide or per namespace) and, only when some pod is owned by
/// a ReplicaSet or a Job, the ReplicaSets or Jobs to climb to the Deployment or CronJob. A ReplicaSet or Job list
/// that the server does not serve (404) or the caller may not read (403) is not an error: Deployments are then
/// inferred from the ReplicaSet name and Jobs are reported as they are.
/// </summary>
public sealed class UsageService
{
    private readonly KubeApi _api;

    // A group version the server does not serve (404) stays unserved for the run: reading several namespaces
    // tries it once. A 403 is per namespace (a Role may allow one namespace and not the next), so it is not kept.
    private bool _replicaSetsNotServed;
    private bool _jobsNotServed;

    public UsageService(KubeApi api) => _api = api ?? throw new ArgumentNullException(nameof(api));

    /// <param name="namespace">One namespace, or null for all namespaces.</param>
    /// <param name="resolveOwners">False when only the per-ServiceAccount totals are wanted: then no ReplicaSet or
    /// Job is read at all.</param>
    /// <param name="cancellationToken">Stops the reads.</param>
    /// <param name="onPage">Told of every page of pods and ServiceAccounts read (for progress).</param>
    public async Task<ServiceAccountUsageReport> ReadAsync(string? @namespace, bool resolveOwners, CancellationToken cancellationToken,
        Action<ListProgress>? onPage = null)
    {
        // Pods (the longest list) and ServiceAccounts are read at the same time, each item cut down to what the
        // join needs as its page arrives. ReplicaSets and Jobs are read only once a pod owned by one shows up, and
        // then beside the rest of the pods: no request is spent on a kind no pod needs.
        await using var lists = _api.StartLists(cancellationToken);
        Task<(IReadOnlyDictionary<(string, string), WorkloadOwner?>? Owners, bool NotServed)>? replicaSetRead = null, jobRead = null;
        bool ownedByReplicaSet = false, ownedByJob = false;
        var pods = lists.Read(t => _api.ListPodsAsync(@namespace, null, onPage, t, UsagePodFields.Fields), pod =>
        {
            var facts = PodFacts.From(pod);
            if (resolveOwners && facts.ControllerKind == "ReplicaSet" && !ownedByReplicaSet)
            {
                ownedByReplicaSet = true;
                if (!_replicaSetsNotServed) replicaSetRead = lists.Start(t => TryReadOwnersAsync(_api.ListReplicaSetsAsync(@namespace, null, t)));
            }
            else if (resolveOwners && facts.ControllerKind == "Job" && !ownedByJob)
            {
                ownedByJob = true;
                if (!_jobsNotServed) jobRead = lists.Start(t => TryReadOwnersAsync(_api.ListJobsAsync(@namespace, null, t)));
            }
            return facts;
        });
        var sas = lists.Read(t => _api.ListServiceAccountsAsync(@namespace, null, onPage, t), ServiceAccountFacts.From);
        await lists.WhenAllAsync().ConfigureAwait(false);

        IReadOnlyDictionary<(string, string), WorkloadOwner?>? replicaSets = null, jobs = null;
        if (replicaSetRead is not null)
        {
            (replicaSets, var notServed) = replicaSetRead.Result;
            _replicaSetsNotServed |= notServed;
        }
        if (jobRead is not null)
        {
            (jobs, var notServed) = jobRead.Result;
            _jobsNotServed |= notServed;
        }
        var empty = new Dictionary<(string, string), WorkloadOwner?>();
        var resolver = new OwnerResolver(ownedByReplicaSet ? replicaSets : empty, ownedByJob ? jobs : empty);
        var rows = UsageJoiner.Join(pods.Result, sas.Result, resolver);
        return new ServiceAccountUsageReport
        {
            Pods = rows,
            ServiceAccounts = UsageJoiner.Summarize(rows, sas.Result),
            DeploymentsInferred = resolver.InfersDeployments,
            JobOwnersUnknown = ownedByJob && jobs is null,
            ReplicaSetsRead = replicaSets?.Count,
            JobsRead = jobs?.Count,
        };
    }

    /// <returns>Each object's controller, or null when the list was refused (404: not served, then NotServed
    /// is true; 403: not allowed).</returns>
    internal static async Task<(IReadOnlyDictionary<(string, string), WorkloadOwner?>? Owners, bool NotServed)> TryReadOwnersAsync<T>(
        IAsyncEnumerable<T> objects)
        where T : IMetadata<V1ObjectMeta>
    {
        var owners = new Dictionary<(string, string), WorkloadOwner?>();
        try
        {
            await foreach (var item in objects.ConfigureAwait(false))
            {
                var meta = item.Metadata;
                owners[(meta?.NamespaceProperty ?? string.Empty, meta?.Name ?? string.Empty)] = OwnerResolver.ControllerOwnerOf(meta);
            }
        }
        catch (KubeApiException e) when (e.Kind is KubeErrorKind.NotFound or KubeErrorKind.Forbidden)
        {
            return (null, e.Kind == KubeErrorKind.NotFound);
        }
        return (owners, false);
    }

    internal static IAsyncEnumerable<V1ReplicaSet> ListReplicaSetsAsync(KubeApi api, string? ns, CancellationToken cancellationToken) =>
        api.ListReplicaSetsAsync(ns, null, cancellationToken);

    internal static IAsyncEnumerable<V1Job> ListJobsAsync(KubeApi api, string? ns, CancellationToken cancellationToken) =>
        api.ListJobsAsync(ns, null, cancellationToken);
}
