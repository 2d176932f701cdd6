using k8s;
using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Names;

namespace SaTools.Engine.Workloads;

/// <summary>
/// Lists, reads and merge-patches the seven kinds of <see cref="WorkloadKind"/> through <see cref="KubeApi"/> (so
/// the one request pipeline and its paging), handing back <see cref="WorkloadObject"/>s. The per-kind switch of the
/// typed client lives here and nowhere else.
/// </summary>
internal sealed class WorkloadApi
{
    private readonly KubeApi _api;

    public WorkloadApi(KubeApi api) => _api = api;

    /// <summary>Every object of the kind in the namespace, or in all namespaces when <paramref name="ns"/> is null.</summary>
    public IAsyncEnumerable<WorkloadObject> ListAsync(WorkloadKind kind, string? ns, Action<ListProgress>? onPage, CancellationToken ct) => kind switch
    {
        WorkloadKind.Deployment => Map(_api.ListDeploymentsAsync(ns, onPage, ct), From, ct),
        WorkloadKind.StatefulSet => Map(_api.ListStatefulSetsAsync(ns, onPage, ct), From, ct),
        WorkloadKind.DaemonSet => Map(_api.ListDaemonSetsAsync(ns, onPage, ct), From, ct),
        WorkloadKind.CronJob => Map(_api.ListCronJobsAsync(ns, onPage, ct), From, ct),
        WorkloadKind.ReplicaSet => Map(_api.ListReplicaSetsAsync(ns, onPage, ct), From, ct),
        WorkloadKind.Job => Map(_api.ListJobsAsync(ns, onPage, ct), From, ct),
        WorkloadKind.Pod => Map(_api.ListPodsAsync(ns, null, onPage, ct), From, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>One object; a <see cref="KubeApiException"/> (NotFound when gone) otherwise.</summary>
    public async Task<WorkloadObject> GetAsync(WorkloadKind kind, string ns, string name, CancellationToken ct) => kind switch
    {
        WorkloadKind.Deployment => From(await _api.CallAsync((c, t) => c.AppsV1.ReadNamespacedDeploymentAsync(KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
        WorkloadKind.StatefulSet => From(await _api.CallAsync((c, t) => c.AppsV1.ReadNamespacedStatefulSetAsync(KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
        WorkloadKind.DaemonSet => From(await _api.CallAsync((c, t) => c.AppsV1.ReadNamespacedDaemonSetAsync(KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
        WorkloadKind.CronJob => From(await _api.CallAsync((c, t) => c.BatchV1.ReadNamespacedCronJobAsync(KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
        WorkloadKind.ReplicaSet => From(await _api.CallAsync((c, t) => c.AppsV1.ReadNamespacedReplicaSetAsync(KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
        WorkloadKind.Job => From(await _api.CallAsync((c, t) => c.BatchV1.ReadNamespacedJobAsync(KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
        WorkloadKind.Pod => From(await _api.CallAsync((c, t) => c.CoreV1.ReadNamespacedPodAsync(KubeApi.PathSegment(NameKind.Pod, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A JSON merge patch (<c>application/merge-patch+json</c>) of a patchable kind.</summary>
    public async Task<WorkloadObject> PatchAsync(WorkloadKind kind, string ns, string name, string mergePatch, CancellationToken ct)
    {
        var patch = new V1Patch(mergePatch, V1Patch.PatchType.MergePatch);
        return kind switch
        {
            WorkloadKind.Deployment => From(await _api.CallAsync((c, t) => c.AppsV1.PatchNamespacedDeploymentAsync(patch, KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
            WorkloadKind.StatefulSet => From(await _api.CallAsync((c, t) => c.AppsV1.PatchNamespacedStatefulSetAsync(patch, KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
            WorkloadKind.DaemonSet => From(await _api.CallAsync((c, t) => c.AppsV1.PatchNamespacedDaemonSetAsync(patch, KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
            WorkloadKind.CronJob => From(await _api.CallAsync((c, t) => c.BatchV1.PatchNamespacedCronJobAsync(patch, KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
            WorkloadKind.ReplicaSet => From(await _api.CallAsync((c, t) => c.AppsV1.PatchNamespacedReplicaSetAsync(patch, KubeApi.PathSegment(NameKind.Workload, name), KubeApi.Ns(ns), cancellationToken: t), ct).ConfigureAwait(false)),
            _ => throw new InvalidOperationException($"A {kind}'s pod template cannot be changed."),
        };
    }

    private static async IAsyncEnumerable<WorkloadObject> Map<T>(IAsyncEnumerable<T> source, Func<T, WorkloadObject> map,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var item in source.WithCancellation(ct).ConfigureAwait(false))
        {
            yield return map(item);
        }
    }

    private static WorkloadObject Make(WorkloadKind kind, V1ObjectMeta? meta, V1PodSpec? spec, string? strategy, V1Pod? pod = null) => new(
        kind, meta?.NamespaceProperty ?? string.Empty, meta?.Name ?? string.Empty, meta?.ResourceVersion,
        meta?.OwnerReferences?.FirstOrDefault(r => r.Controller == true), spec, strategy, pod);

    private static WorkloadObject From(V1Deployment o) => Make(WorkloadKind.Deployment, o.Metadata, o.Spec?.Template?.Spec, o.Spec?.Strategy?.Type);
    private static WorkloadObject From(V1StatefulSet o) => Make(WorkloadKind.StatefulSet, o.Metadata, o.Spec?.Template?.Spec, o.Spec?.UpdateStrategy?.Type);
    private static WorkloadObject From(V1DaemonSet o) => Make(WorkloadKind.DaemonSet, o.Metadata, o.Spec?.Template?.Spec, o.Spec?.UpdateStrategy?.Type);
    private static WorkloadObject From(V1CronJob o) => Make(WorkloadKind.CronJob, o.Metadata, o.Spec?.JobTemplate?.Spec?.Template?.Spec, null);
    private static WorkloadObject From(V1ReplicaSet o) => Make(WorkloadKind.ReplicaSet, o.Metadata, o.Spec?.Template?.Spec, null);
    private static WorkloadObject From(V1Job o) => Make(WorkloadKind.Job, o.Metadata, o.Spec?.Template?.Spec, null);
    private static WorkloadObject From(V1Pod o) => Make(WorkloadKind.Pod, o.Metadata, o.Spec, null, o);
}
