using SaTools.Benchmarks.Measurement;

namespace SaTools.Benchmarks.Reporting;

/// <summary>Everything one benchmark run measured, in the order it ran.</summary>
public sealed class BenchmarkReport(BenchmarkOptions options, MachineInfo machine)
{
    public BenchmarkOptions Options { get; } = options;

    public MachineInfo Machine { get; } = machine;

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>The main cluster's census (object counts as served), once taken.</summary>
    public ClusterCensus? Census { get; set; }

    public List<WorkloadResult> Results { get; } = new();

    /// <summary>The fraction of the full scale <see cref="Results"/> were measured at: the options' scale, or in a
    /// scaling run the full scale (else the largest) of its points.</summary>
    public double Fraction { get; set; } = options.ScaleFraction;

    public ScaleSpec Scale => ScaleSpec.Full.Scaled(Fraction);

    /// <summary>The scaling run's points, smallest first (empty for the ordinary run).</summary>
    public List<ScalingPoint> Scaling { get; } = new();

    public WorkloadResult? Find(string key) => Results.FirstOrDefault(r => r.Key == key);

    /// <summary>How many times faster <paramref name="workload"/> is than its peer (medians); per object covered
    /// when the workload asks for it (workload 2: per ServiceAccount), since the two may cover different numbers.</summary>
    public double? PeerRatio(WorkloadResult workload)
    {
        if (workload.PeerKey is null || Find(workload.PeerKey) is not { HasRuns: true } peer || !workload.HasRuns) return null;
        if (workload.Errors > 0 || peer.Errors > 0) return null;
        var mine = workload.Time.Median;
        var theirs = peer.Time.Median;
        if (workload.PeerRatioPerObject)
        {
            if (workload.MedianObjects is not > 0 || peer.MedianObjects is not > 0) return null;
            mine /= workload.MedianObjects.Value;
            theirs /= peer.MedianObjects.Value;
        }
        return mine > 0 ? theirs / mine : null;
    }
}
