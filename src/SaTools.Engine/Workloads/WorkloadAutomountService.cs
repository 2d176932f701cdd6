using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Names;
using SaTools.Engine.Pods;
using SaTools.Engine.Rbac;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Workloads;

/// <summary>
/// Reads workloads, their ServiceAccounts and the RBAC state, plans which pod templates get
/// <c>automountServiceAccountToken: false</c> (<see cref="WorkloadAutomountPlanner"/>, with
/// <see cref="BaselinePermissions"/> deciding whether a ServiceAccount needs a token), and writes one template at a
/// time through the engine's one write policy (<see cref="WriteWithReadBack"/>). The cmdlet sits between planning
/// and <see cref="WriteAsync"/> to ask ShouldProcess for each workload on the pipeline thread.
/// </summary>
public sealed class WorkloadAutomountService
{
    private readonly KubeApi _api;
    private readonly WorkloadApi _workloads;

    // What the last plan read, kept so a write that meets a 409 can decide again on the re-read workload.
    private EffectivePermissionEvaluator? _evaluator;
    private Dictionary<(string, string), bool?> _serviceAccountFields = new();
    private bool _force;

    public WorkloadAutomountService(KubeApi api)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        _workloads = new WorkloadApi(api);
    }

    /// <summary>
    /// Plans Disable-K8sWorkloadAutomount. <paramref name="namespaces"/> null means every namespace (one cluster-wide
    /// list per kind); <paramref name="targets"/>, when given, narrows the rows to those workloads (their namespaces
    /// are read). The RBAC objects are read once, cluster-wide.
    /// </summary>
    public async Task<WorkloadAutomountPlan> PlanDisableAsync(
        IReadOnlyList<string>? namespaces, IReadOnlyCollection<WorkloadKind> kinds, IReadOnlyList<WorkloadTarget>? targets, bool force,
        Action<ListProgress>? onPage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        _force = force;
        var targeted = targets is { Count: > 0 };
        // Owner resolution of piped pods needs every kind of the target namespaces.
        var kindsToRead = targeted ? Enum.GetValues<WorkloadKind>() : kinds.Distinct().ToArray();
        IReadOnlyList<string?> scopes = targeted
            ? targets!.Select(t => t.Namespace).Distinct(StringComparer.Ordinal).ToList()
            : namespaces is null ? new string?[] { null } : namespaces.Distinct(StringComparer.Ordinal).ToList();

        var snapshotTask = new RbacSnapshotReader(_api).ReadAsync(includeServiceAccounts: false, onPage, cancellationToken);
        var objects = new List<WorkloadObject>();
        var accounts = new List<V1ServiceAccount>();
        foreach (var ns in scopes)
        {
            var lists = kindsToRead.Select(k => Pager.ReadAllAsync(_workloads.ListAsync(k, ns, onPage, cancellationToken))).ToList();
            var sas = Pager.ReadAllAsync(_api.ListServiceAccountsAsync(ns, null, onPage, cancellationToken));
            await Task.WhenAll(lists.Cast<Task>().Append(sas)).ConfigureAwait(false);
            objects.AddRange(lists.SelectMany(l => l.Result));
            accounts.AddRange(sas.Result);
        }
        var snapshot = await snapshotTask.ConfigureAwait(false);
        _evaluator = new EffectivePermissionEvaluator(new RbacIndex(snapshot));
        _serviceAccountFields = accounts
            .Where(sa => sa.Metadata?.Name is not null)
            .GroupBy(sa => (sa.Metadata.NamespaceProperty ?? string.Empty, sa.Metadata.Name))
            .ToDictionary(g => g.Key, g => g.First().AutomountServiceAccountToken);

        var unmatched = new List<WorkloadTarget>();
        IEnumerable<WorkloadObject> chosen;
        if (targeted)
        {
            chosen = Resolve(targets!, objects, unmatched);
        }
        else
        {
            // An owned ReplicaSet, Job or pod is changed (or not) through its owner, which has a row of its own.
            chosen = objects.Where(o => kinds.Contains(o.Kind) && !o.HasController);
        }

        var rows = chosen
            .DistinctBy(o => (o.Namespace, o.Kind, o.Name))
            .Select(o => PlanDisable(o, targeted))
            .Where(r => r.Step != WorkloadStep.Omit)
            .OrderBy(r => r.Namespace, ListingOrder.Namespaces).ThenBy(r => r.Kind).ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        return new WorkloadAutomountPlan { Rows = rows, Unmatched = unmatched };
    }

    /// <summary>
    /// Plans Set-K8sWorkloadAutomount (the undo of a saved report): one GET per workload; a workload that cannot be
    /// read is a Failed row.
    /// </summary>
    public async Task<IReadOnlyList<WorkloadAutomountRow>> PlanSetAsync(
        IReadOnlyList<(string Namespace, WorkloadKind Kind, string Name, bool? Desired)> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var rows = new List<WorkloadAutomountRow>(targets.Count);
        foreach (var t in targets)
        {
            try
            {
                var o = await _workloads.GetAsync(t.Kind, t.Namespace, t.Name, cancellationToken).ConfigureAwait(false);
                rows.Add(PlanSet(o, t.Desired));
            }
            catch (KubeApiException e)
            {
                rows.Add(new WorkloadAutomountRow
                {
                    Namespace = t.Namespace, Kind = t.Kind, Name = t.Name, ServiceAccount = string.Empty, Desired = t.Desired,
                    Step = WorkloadStep.Report, Action = WorkloadAutomountAction.Failed, Error = e,
                });
            }
        }
        return rows;
    }

    /// <summary>
    /// Writes one approved row's <see cref="WorkloadAutomountRow.Desired"/> value, conditioned on the resourceVersion
    /// it was planned on. After a reply that leaves the outcome open, the workload is read back; after a 409 it is
    /// read again and decided again (it may no longer need the write). Never throws a <see cref="KubeApiException"/>:
    /// a failure is a Failed row.
    /// </summary>
    public async Task<WorkloadAutomountRow> WriteAsync(WorkloadAutomountRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var current = row;
        try
        {
            return await WriteWithReadBack.RunAsync(new WriteSteps<WorkloadAutomountRow>
            {
                Send = async ct =>
                {
                    var body = WorkloadAutomountPatch.Body(current.Kind, current.Desired, current.ResourceVersion);
                    var written = await _workloads.PatchAsync(current.Kind, current.Namespace, current.Name, body, ct).ConfigureAwait(false);
                    return Patched(current, written.TemplateAutomount);
                },
                ReadBack = async ct =>
                {
                    var now = await _workloads.GetAsync(current.Kind, current.Namespace, current.Name, ct).ConfigureAwait(false);
                    return (now.TemplateAutomount == current.Desired, Patched(current, now.TemplateAutomount));
                },
                Redecide = async ct =>
                {
                    var now = await _workloads.GetAsync(current.Kind, current.Namespace, current.Name, ct).ConfigureAwait(false);
                    var again = _evaluator is null ? PlanSet(now, current.Desired) : PlanDisable(now, targeted: true);
                    if (again.Step != WorkloadStep.Patch)
                    {
                        return (true, again);
                    }
                    current = again;
                    return (false, again);
                },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            return current with { Step = WorkloadStep.Report, Action = WorkloadAutomountAction.Failed, Current = current.Previous, Error = e };
        }
    }

    private static WorkloadAutomountRow Patched(WorkloadAutomountRow row, bool? now) =>
        row with { Step = WorkloadStep.Report, Action = WorkloadAutomountAction.Patched, Current = now };

    private WorkloadAutomountRow PlanDisable(WorkloadObject o, bool targeted)
    {
        var serviceAccount = o.ServiceAccount;
        _serviceAccountFields.TryGetValue((o.Namespace, serviceAccount), out var saField);
        var needsToken = BaselinePermissions.NeedsToken(_evaluator!, new ServiceAccountRef(o.Namespace, serviceAccount));
        var declares = TokenMountRule.DeclaresOwnTokenVolume(o.PodSpec);
        var (step, action, reason) = WorkloadAutomountPlanner.DecideDisable(o.Kind, o.TemplateAutomount, declares, saField, needsToken, _force);
        if (step == WorkloadStep.Omit && targeted)
        {
            // A Job or bare pod named on the pipeline gets a row anyway: the answer a changeable template would
            // get (already disabled, has permissions...), as there is then nothing to change.
            (step, action, reason) = WorkloadAutomountPlanner.DecideDisable(WorkloadKind.Deployment, o.TemplateAutomount, declares, saField, needsToken, _force);
            if (step == WorkloadStep.Patch)
            {
                (step, action, reason) = (WorkloadStep.Report, WorkloadAutomountAction.Skipped,
                    o.Kind == WorkloadKind.Job ? WorkloadSkipReason.JobTemplateImmutable : WorkloadSkipReason.BarePodImmutable);
            }
        }
        return Row(o, step, action, reason, desired: false, needsToken);
    }

    private static WorkloadAutomountRow PlanSet(WorkloadObject o, bool? desired)
    {
        var (step, action, reason) = WorkloadAutomountPlanner.DecideSet(o.Kind, o.TemplateAutomount, desired);
        return Row(o, step, action, reason, desired, needsToken: false);
    }

    private static WorkloadAutomountRow Row(WorkloadObject o, WorkloadStep step, WorkloadAutomountAction? action, WorkloadSkipReason? reason, bool? desired, bool needsToken) => new()
    {
        Namespace = o.Namespace,
        Kind = o.Kind,
        Name = o.Name,
        ServiceAccount = o.ServiceAccount,
        Previous = o.TemplateAutomount,
        Current = o.TemplateAutomount,
        Desired = desired,
        Step = step,
        Action = action,
        Reason = reason,
        NeedsToken = needsToken,
        RestartsPods = WorkloadKinds.TemplateChangeRestartsPods(o.Kind, o.UpdateStrategy),
        ResourceVersion = o.ResourceVersion,
    };

    private static WorkloadOwner? ControllerOwner(WorkloadObject o) => o.Controller is { } c ? new WorkloadOwner(c.Kind, c.Name) : null;

    /// <summary>The workloads the piped targets name: a workload by kind and name; a pod by the controller at the
    /// top of its owner chain (<see cref="OwnerResolver"/>: a ReplicaSet's Deployment, a Job's CronJob), or itself
    /// when it has none; a ServiceAccount by every ownerless workload and bare pod running as it.</summary>
    private static IEnumerable<WorkloadObject> Resolve(IReadOnlyList<WorkloadTarget> targets, List<WorkloadObject> objects, List<WorkloadTarget> unmatched)
    {
        var byKey = objects.GroupBy(o => (o.Namespace, o.Kind, o.Name)).ToDictionary(g => g.Key, g => g.First());
        var owners = new OwnerResolver(
            objects.Where(o => o.Kind == WorkloadKind.ReplicaSet).ToDictionary(o => (o.Namespace, o.Name), o => ControllerOwner(o)),
            objects.Where(o => o.Kind == WorkloadKind.Job).ToDictionary(o => (o.Namespace, o.Name), o => ControllerOwner(o)));
        foreach (var t in targets)
        {
            if (string.Equals(t.Kind, WorkloadTarget.ServiceAccountKind, StringComparison.OrdinalIgnoreCase))
            {
                var running = objects.Where(o => o.Namespace == t.Namespace && !o.HasController && o.ServiceAccount == t.Name).ToList();
                if (running.Count == 0) unmatched.Add(t);
                foreach (var o in running) yield return o;
                continue;
            }
            if (!WorkloadKinds.TryParse(t.Kind, out var kind) || !byKey.TryGetValue((t.Namespace, kind, t.Name), out var found))
            {
                unmatched.Add(t);
                continue;
            }
            // An owned object is changed through the controller at the top of its chain (a pod's ReplicaSet's
            // Deployment, a Job's CronJob); writing it would be undone by that controller.
            var owner = found.Pod is { } pod ? owners.Resolve(PodFacts.From(pod))
                : found.Controller is { } c ? new WorkloadOwner(c.Kind, c.Name) : null;
            if (owner is not null)
            {
                if (WorkloadKinds.TryParse(owner.Kind, out var ownerKind) && byKey.TryGetValue((t.Namespace, ownerKind, owner.Name), out var top)
                    && !top.HasController)
                {
                    yield return top;
                }
                else
                {
                    // Owned by something this cmdlet does not change (a Node's mirror pod, a custom controller).
                    unmatched.Add(t);
                }
                continue;
            }
            yield return found;
        }
    }
}
