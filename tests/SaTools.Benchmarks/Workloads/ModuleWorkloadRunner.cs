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

    /// <summary>Runs the workload's warm-up call (if any), untimed; returns its first error, or null.</summary>
    public string? WarmUp(ModuleWorkload workload, IBenchCluster cluster)
    {
        if (workload.WarmUpScript is not { } script) return null;
        var warm = runspace.Count(script, cluster.KubeconfigPath);
        return warm.ErrorCount > 0 ? warm.FirstError ?? "failed" : null;
    }

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
        // The client's own work once the lists are in: workload 2's evaluation target, and for every list
        // workload the scaling run's "CPU after the lists" (issue 18).
        var lastAnswer = workload.ReportsEvaluationTime || workload.MinimumLists.Count > 0 ? tally.LastAnswerAt : null;

        return new RunMeasurement(
            stopwatch.Elapsed.TotalMilliseconds,
            tally.Total,
            workload.Objects(invocation.Written, tally),
            ToMb(peakBytes),
            invocation.ErrorCount,
            invocation.FirstError)
        {
            BaselineMb = ToMb(memory.BaselineBytes),
            CpuMs = cpu.CpuSince(DateTimeOffset.MinValue).TotalMilliseconds,
            AfterLastAnswerMs = lastAnswer is { } wallFrom ? Math.Max(0, (finishedAt - wallFrom).TotalMilliseconds) : null,
            CpuAfterLastAnswerMs = lastAnswer is { } cpuFrom ? cpu.CpuSince(cpuFrom).TotalMilliseconds : null,
            Tally = tally,
            Writes = tally.Writes,
            WritesNeeded = workload.WritesNeeded(census),
            MinimumRequests = workload.MinimumLists.Count > 0 ? MinimumRequests.ForLists(census, workload.MinimumLists) : null,
        };
    }

    private static double ToMb(long bytes) => bytes / 1024.0 / 1024.0;
}
