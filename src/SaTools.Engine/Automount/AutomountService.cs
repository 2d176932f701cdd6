using k8s;
using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Names;
using SaTools.Engine.Pods;

namespace SaTools.Engine.Automount;

/// <summary>
/// Reads ServiceAccounts and pods, plans, and writes <c>automountServiceAccountToken</c> with merge patches.
/// The cmdlet sits between <see cref="PlanDefaultAsync"/>/<see cref="PlanAsync"/> and <see cref="Apply"/>
/// to ask ShouldProcess for each ServiceAccount on the pipeline thread.
/// </summary>
public sealed class AutomountService
{
    private readonly KubeApi _api;

    public AutomountService(KubeApi api) => _api = api ?? throw new ArgumentNullException(nameof(api));

    /// <summary>
    /// Plans Disable-K8sDefaultAutomount: the <c>default</c> ServiceAccount of each namespace of
    /// <paramref name="selection"/> (from <see cref="NamespaceResolver"/>). Reads as little as it can: when the
    /// namespace list was read (-AllNamespaces or wildcards), one cluster-wide list of the default ServiceAccounts
    /// and one of pods (paged); when the caller may not list cluster-wide (403), or only literal namespaces were
    /// named, one GET of the ServiceAccount and one pod list per namespace.
    /// </summary>
    public async Task<AutomountPlan> PlanDefaultAsync(NamespaceSelection selection, int throttleLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var needsList = selection.ExistenceKnown;
        var targets = selection.Targets.Select(ns => (ns, PodServiceAccount.DefaultName, (bool?)false)).ToList();

        if (needsList && targets.Count > 1)
        {
            var wide = await TryPlanClusterWideAsync(targets, cancellationToken).ConfigureAwait(false);
            if (wide is not null)
            {
                return new AutomountPlan { Selection = selection, Candidates = wide, ReadClusterWide = true };
            }
        }
        var candidates = await PlanPerNamespaceAsync(targets, throttleLimit, cancellationToken).ConfigureAwait(false);
        return new AutomountPlan { Selection = selection, Candidates = candidates };
    }

    /// <summary>Plans Set-K8sServiceAccountAutomount for the given ServiceAccounts and values (one GET each, and one
    /// pod list per namespace where a value takes tokens away).</summary>
    public async Task<IReadOnlyList<AutomountCandidate>> PlanAsync(
        IReadOnlyList<(string Namespace, string Name, bool? Desired)> serviceAccounts, int throttleLimit, CancellationToken cancellationToken) =>
        await PlanPerNamespaceAsync(serviceAccounts, throttleLimit, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Writes its <see cref="AutomountCandidate.Desired"/> value to each approved ServiceAccount, at most
    /// <paramref name="throttleLimit"/> at a time, and
    /// yields each outcome as it is known. Cancelling <paramref name="stop"/> starts no new write; writes already
    /// sent finish (a PATCH is atomic on the server), and the rest come back Skipped. Wait on the batch's
    /// Completion before closing the connection.
    /// </summary>
    public RunningBatch<AutomountOutcome> Apply(
        IReadOnlyList<AutomountCandidate> approved, int throttleLimit, CancellationToken stop) =>
        BoundedParallelRunner.Start(
            approved,
            throttleLimit,
            (c, inFlight) => PatchAsync(c, c.Desired, inFlight),
            (c, e) => Failed(c, e as KubeApiException ?? new KubeApiException(KubeErrorKind.Other, e.Message, e)),
            c => new AutomountOutcome { Candidate = c, Action = AutomountAction.Skipped, Current = c.Previous },
            stop);

    /// <summary>One merge patch of the field, through the engine's one write policy (<see cref="WriteWithReadBack"/>):
    /// after an open outcome the ServiceAccount is read back, and the patch is sent again only if the value is not
    /// there. A 409 (rare: the patch carries no resourceVersion) sends the same patch again.</summary>
    private async Task<AutomountOutcome> PatchAsync(AutomountCandidate c, bool? desired, CancellationToken cancellationToken)
    {
        var body = AutomountPatch.Body(desired);
        try
        {
            return await WriteWithReadBack.RunAsync(new WriteSteps<AutomountOutcome>
            {
                Send = async ct =>
                {
                    var sa = await _api.PatchServiceAccountAsync(c.Namespace, c.ServiceAccount, body, dryRun: false, ct).ConfigureAwait(false);
                    return new AutomountOutcome { Candidate = c, Action = AutomountAction.Patched, Current = sa.AutomountServiceAccountToken };
                },
                ReadBack = async ct =>
                {
                    var now = await _api.GetServiceAccountAsync(c.Namespace, c.ServiceAccount, ct).ConfigureAwait(false);
                    return (now.AutomountServiceAccountToken == desired,
                        new AutomountOutcome { Candidate = c, Action = AutomountAction.Patched, Current = desired });
                },
                // The patch names only the field and no resourceVersion: after a 409 there is nothing to decide
                // again, the same patch is sent.
                Redecide = _ => Task.FromResult((false, default(AutomountOutcome)!)),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            return Failed(c, e);
        }
    }

    private static AutomountOutcome Failed(AutomountCandidate c, KubeApiException e) =>
        new() { Candidate = c, Action = AutomountAction.Failed, Current = c.Previous, Error = e };

    private async Task<IReadOnlyList<AutomountCandidate>?> TryPlanClusterWideAsync(
        IReadOnlyList<(string Namespace, string Name, bool? Desired)> targets, CancellationToken cancellationToken)
    {
        var wanted = targets.Select(t => (t.Namespace, t.Name)).ToHashSet();
        var found = new Dictionary<(string, string), V1ServiceAccount>();
        var pods = new List<V1Pod>();
        var accountName = targets[0].Name;
        try
        {
            // The two lists are independent: read them side by side. metadata.name is a field selector every
            // resource supports (apimachinery DefaultMetaV1FieldSelectorConversion); spec.serviceAccountName is one
            // of the pod's (pkg/registry/core/pod/strategy.go, PodToSelectableFields), and the ServiceAccount
            // admission plugin fills it in on every pod, so only the pods of this ServiceAccount are fetched.
            var accounts = Pager.ReadAllAsync(ListServiceAccountsAsync(null, $"metadata.name={accountName}", cancellationToken));
            var podList = Pager.ReadAllAsync(ListPodsAsync(null, $"spec.serviceAccountName={accountName}", cancellationToken));
            await Task.WhenAll(accounts, podList).ConfigureAwait(false);
            foreach (var sa in accounts.Result)
            {
                var key = (sa.Metadata?.NamespaceProperty ?? string.Empty, sa.Metadata?.Name ?? string.Empty);
                if (wanted.Contains(key))
                {
                    found[key] = sa;
                }
            }
            pods = podList.Result;
        }
        catch (KubeApiException e) when (e.Kind == KubeErrorKind.Forbidden)
        {
            return null;
        }
        var podsByNamespace = pods.ToLookup(p => p.Metadata?.NamespaceProperty ?? string.Empty);
        return targets.Select(t =>
        {
            var exists = found.TryGetValue((t.Namespace, t.Name), out var sa);
            return new AutomountCandidate
            {
                Namespace = t.Namespace,
                ServiceAccount = t.Name,
                Desired = t.Desired,
                Previous = sa?.AutomountServiceAccountToken,
                Step = AutomountPlanner.Decide(exists, sa?.AutomountServiceAccountToken, t.Desired),
                PodsRelyingOnToken = exists && AutomountPlanner.TakesTokenAway(t.Desired)
                    ? AutomountImpact.PodsRelyingOnToken(podsByNamespace[t.Namespace], t.Name)
                    : Array.Empty<string>(),
            };
        }).ToList();
    }

    private async Task<IReadOnlyList<AutomountCandidate>> PlanPerNamespaceAsync(
        IReadOnlyList<(string Namespace, string Name, bool? Desired)> targets, int throttleLimit, CancellationToken cancellationToken)
    {
        // Pods are read once per namespace and ServiceAccount, and only those that run as it.
        var podLists = new Dictionary<(string, string), Task<IReadOnlyList<V1Pod>?>>();
        var gate = new object();
        Task<IReadOnlyList<V1Pod>?> PodsOf(string ns, string serviceAccount)
        {
            lock (gate)
            {
                if (!podLists.TryGetValue((ns, serviceAccount), out var task))
                {
                    podLists[(ns, serviceAccount)] = task = ReadPodsAsync(ns, serviceAccount, cancellationToken);
                }
                return task;
            }
        }

        var results = new List<AutomountCandidate>(targets.Count);
        await foreach (var c in BoundedParallelRunner.RunAsync(
            targets,
            throttleLimit,
            async (t, _) =>
            {
                V1ServiceAccount? sa;
                try
                {
                    sa = await _api.GetServiceAccountAsync(t.Namespace, t.Name, cancellationToken).ConfigureAwait(false);
                }
                catch (KubeApiException e) when (e.Kind == KubeErrorKind.NotFound)
                {
                    sa = null;
                }
                catch (KubeApiException e)
                {
                    return new AutomountCandidate { Namespace = t.Namespace, ServiceAccount = t.Name, Desired = t.Desired, ReadError = e, ImpactKnown = false };
                }
                IReadOnlyList<string> relying = Array.Empty<string>();
                var impactKnown = true;
                if (sa is not null && AutomountPlanner.TakesTokenAway(t.Desired))
                {
                    var pods = await PodsOf(t.Namespace, t.Name).ConfigureAwait(false);
                    impactKnown = pods is not null;
                    relying = pods is null ? Array.Empty<string>() : AutomountImpact.PodsRelyingOnToken(pods, t.Name);
                }
                return new AutomountCandidate
                {
                    Namespace = t.Namespace,
                    ServiceAccount = t.Name,
                    Desired = t.Desired,
                    Previous = sa?.AutomountServiceAccountToken,
                    Step = AutomountPlanner.Decide(sa is not null, sa?.AutomountServiceAccountToken, t.Desired),
                    PodsRelyingOnToken = relying,
                    ImpactKnown = impactKnown,
                };
            },
            (t, e) => new AutomountCandidate
            {
                Namespace = t.Namespace,
                ServiceAccount = t.Name,
                Desired = t.Desired,
                ReadError = e as KubeApiException ?? new KubeApiException(KubeErrorKind.Other, e.Message, e),
                ImpactKnown = false,
            },
            t => throw new OperationCanceledException(cancellationToken),
            cancellationToken).ConfigureAwait(false))
        {
            results.Add(c);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var order = targets.Select((t, i) => ((t.Namespace, t.Name), i)).ToDictionary(x => x.Item1, x => x.i);
        return results.OrderBy(c => order[(c.Namespace, c.ServiceAccount)]).ToList();
    }

    private async Task<IReadOnlyList<V1Pod>?> ReadPodsAsync(string ns, string serviceAccount, CancellationToken cancellationToken)
    {
        try
        {
            return await Pager.ReadAllAsync(ListPodsAsync(ns, $"spec.serviceAccountName={serviceAccount}", cancellationToken)).ConfigureAwait(false);
        }
        catch (KubeApiException)
        {
            // The impact is then unknown; the ServiceAccount itself can still be handled.
            return null;
        }
    }

    private IAsyncEnumerable<V1ServiceAccount> ListServiceAccountsAsync(string? ns, string fieldSelector, CancellationToken cancellationToken) =>
        _api.ListServiceAccountsAsync(ns, null, null, cancellationToken, fieldSelector: fieldSelector);

    private IAsyncEnumerable<V1Pod> ListPodsAsync(string? ns, string fieldSelector, CancellationToken cancellationToken) =>
        _api.ListPodsAsync(ns, null, null, cancellationToken, fieldSelector: fieldSelector);
}
