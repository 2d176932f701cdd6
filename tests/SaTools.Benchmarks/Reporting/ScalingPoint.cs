using SaTools.Benchmarks.Measurement;

namespace SaTools.Benchmarks.Reporting;

/// <summary>One scale of the scaling run (issue 18): the list workloads against a sandbox of that size.</summary>
public sealed record ScalingPoint(double Fraction, ScaleSpec Scale, ClusterCensus Census, IReadOnlyList<WorkloadResult> Results)
{
    public WorkloadResult? Find(string key) => Results.FirstOrDefault(r => r.Key == key);
}

/// <summary>How a workload's figures grow from one scale of the scaling run to the next.</summary>
public static class ScalingGrowth
{
    /// <summary>Issue 18: from half to full scale, time and memory grow at most this much (the data doubles).</summary>
    public const double Limit = 2.3;

    /// <summary>Time at <paramref name="to"/> over time at <paramref name="from"/> (medians).</summary>
    public static double? Time(WorkloadResult? from, WorkloadResult? to) =>
        from is { HasRuns: true, Errors: 0 } && to is { HasRuns: true, Errors: 0 } && from.Time.Median > 0
            ? to.Time.Median / from.Time.Median
            : null;

    /// <summary>Memory growth over the run's start at <paramref name="to"/> over the same at <paramref name="from"/>.</summary>
    public static double? Memory(WorkloadResult? from, WorkloadResult? to) =>
        from is { HasRuns: true, Errors: 0, MaxGrowthMb: > 0 } && to is { HasRuns: true, Errors: 0, MaxGrowthMb: { } grown }
            ? grown / from.MaxGrowthMb!.Value
            : null;
}
