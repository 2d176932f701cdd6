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

    /// <summary>
    /// The smallest memory growth a ratio is taken against. Peak working-set growth moves from run to run of the same
    /// workload at the same scale by up to 14 MB (workload 3 at full scale: +4 to +18 MB over six runs on one day),
    /// because the GC reuses or newly commits memory in steps of megabytes; so a growth of +2 or +4 MB at half scale
    /// says nothing about proportion, and +4 -> +16 MB is not a fourfold growth. A real superlinear growth
    /// (+40 -> +160 MB) is still judged as such.
    /// </summary>
    public const double MemoryResolutionMb = 16;

    /// <summary>Memory growth over the run's start at <paramref name="to"/> over the same at <paramref name="from"/>.</summary>
    public static double? Memory(WorkloadResult? from, WorkloadResult? to) =>
        from is { HasRuns: true, Errors: 0, MaxGrowthMb: > 0 } && to is { HasRuns: true, Errors: 0, MaxGrowthMb: { } grown }
            ? grown / from.MaxGrowthMb!.Value
            : null;

    /// <summary>What issue 18's memory target judges: the growth at <paramref name="to"/> over the growth at
    /// <paramref name="from"/>, or over <see cref="MemoryResolutionMb"/> when that one is smaller.</summary>
    public static double? JudgedMemory(WorkloadResult? from, WorkloadResult? to) =>
        from is { HasRuns: true, Errors: 0, MaxGrowthMb: { } before } && to is { HasRuns: true, Errors: 0, MaxGrowthMb: { } grown }
            ? grown / Math.Max(before, MemoryResolutionMb)
            : null;
}
