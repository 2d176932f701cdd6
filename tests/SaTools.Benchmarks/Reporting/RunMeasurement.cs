using SaTools.Benchmarks.Measurement;

namespace SaTools.Benchmarks.Reporting;

/// <summary>
/// One repetition of a workload or peer. For a sampled peer the figures are already scaled up to the whole
/// cluster (<see cref="WorkloadResult.ScaledFrom"/> says from how many).
/// </summary>
public sealed record RunMeasurement(
    double Milliseconds,
    long Requests,
    long? Objects,
    double? PeakMb,
    int Errors,
    string? FirstError)
{
    /// <summary>The working set when the run began (in-process runs: the sandbox is in that figure too).</summary>
    public double? BaselineMb { get; init; }

    /// <summary>Wall time from the last answer of the window to the end of the run: the client's own work once
    /// the lists have arrived (workload 2's evaluation time).</summary>
    public double? AfterLastAnswerMs { get; init; }

    /// <summary>CPU time the whole process (client and in-process sandbox) spent over the run: next to the wall
    /// time it says whether a run waited on the network or on the CPU (on a shared machine, on the others).</summary>
    public double? CpuMs { get; init; }

    /// <summary>CPU time the process spent over the same stretch (issue 4 counts evaluation in CPU).</summary>
    public double? CpuAfterLastAnswerMs { get; init; }

    /// <summary>The requests of the window, by resource.</summary>
    public RequestTally? Tally { get; init; }

    /// <summary>Write requests the run sent, and how many it had to (issue 6: one per default ServiceAccount
    /// that needed the change).</summary>
    public int? Writes { get; init; }

    public int? WritesNeeded { get; init; }

    /// <summary>Of <see cref="Requests"/>, the discovery and /version ones (scaled like the rest for a sampled peer).</summary>
    public int? DiscoveryRequests { get; init; }

    /// <summary>The fewest requests the run could have sent (pages of the lists it must read).</summary>
    public int? MinimumRequests { get; init; }

    /// <summary>Default ServiceAccounts put back as generated before this run (workload 4's fresh scenario); null
    /// for a run that needs no restore.</summary>
    public int? RestoredBeforeRun { get; init; }

    /// <summary>Issue 6's safety under faults, for a run with injected faults; null otherwise.</summary>
    public AutomountSafety? Safety { get; init; }

    /// <summary>The peak minus the baseline: what the workload itself added.</summary>
    public double? GrowthMb => PeakMb is { } p && BaselineMb is { } b ? p - b : null;
}
