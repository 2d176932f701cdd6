namespace SaTools.Engine.Threading;

/// <summary>
/// Runs a long piece of CPU work (an RBAC index and a cluster's worth of evaluations: a few hundred milliseconds) on a
/// thread of its own while lists are still being read. On a pool thread it would hold one of the few the pool
/// starts with (one per core: two on a small runbook worker) for all that time, and the lists' I/O continuations,
/// which need a pool thread each, would queue behind it until the pool grows: a page already on the wire then
/// waits for its reader for as long (measured: 200 ms stalls of the ServiceAccount list at two cores).
/// </summary>
internal static class CpuBoundWork
{
    public static Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
}
