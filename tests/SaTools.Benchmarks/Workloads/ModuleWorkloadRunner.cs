using System.Diagnostics;
using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;
using SaTools.Benchmarks.Reporting;

namespace SaTools.Benchmarks.Workloads;

/// <summary>Runs one repetition of a module workload: input prepared, memory and request windows opened, the
/// script timed, the figures gathered.</summary>
public sealed class ModuleWorkloadRunner(ModuleRunspace runspace)
{
    /// <summary>The cmdlets of <paramref name="workload"/> the module does not export (empty: it can run).</summary>
    public IReadOnlyList<string> MissingCmdlets(ModuleWorkload workload) =>
        workload.Cmdlets.Where(c => !runspace.ExportedCmdlets.Contains(c)).ToList();

    public RunMeasurement RunOnce(ModuleWorkload workload, IBenchCluster cluster, ClusterCensus census)
    {
        var input = workload.Prepare(census);
        using var memory = InProcessPeakMemory.Start();
        using var cpu = CpuTimeline.Start();
        var window = RequestWindow.Open(cluster);
        var stopwatch = Stopwatch.StartNew();
        var invocation = runspace.Count(workload.Script, cluster.KubeconfigPath, input);
        stopwatch.Stop();
        var finishedAt = DateTimeOffset.UtcNow;
        var peakBytes = memory.Stop();
        cpu.Stop();
        var tally = window.Close();

        return new RunMeasurement(
            stopwatch.Elapsed.TotalMilliseconds,
            tally.Total,
            workload.Objects(invocation.Written, tally),
            ToMb(peakBytes),
            invocation.ErrorCount,
            invocation.FirstError)
        {
            BaselineMb = ToMb(memory.BaselineBytes),
            AfterLastAnswerMs = workload.ReportsEvaluationTime && tally.LastAnswerAt is { } last
                ? Math.Max(0, (finishedAt - last).TotalMilliseconds)
                : null,
            CpuAfterLastAnswerMs = workload.ReportsEvaluationTime && tally.LastAnswerAt is { } lastAnswer
                ? cpu.CpuSince(lastAnswer).TotalMilliseconds
                : null,
            Tally = tally,
            Writes = tally.Writes,
            WritesNeeded = workload.WritesNeeded(census),
            MinimumRequests = workload.MinimumLists.Count > 0 ? MinimumRequests.ForLists(census, workload.MinimumLists) : null,
        };
    }

    private static double ToMb(long bytes) => bytes / 1024.0 / 1024.0;
}
