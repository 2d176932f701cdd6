using SaTools.Benchmarks.Measurement;

namespace SaTools.Benchmarks.Reporting;

/// <summary>Every repetition of one workload or peer, or why it did not run.</summary>
public sealed class WorkloadResult(string key, string title)
{
    public string Key { get; } = key;

    public string Title { get; } = title;

    public bool IsPeer { get; init; }

    /// <summary>For a workload, the key of the peer it is compared with.</summary>
    public string? PeerKey { get; init; }

    /// <summary>Compare with the peer per object out rather than per run.</summary>
    public bool PeerRatioPerObject { get; init; }

    public string? Note { get; set; }

    /// <summary>Why it did not run (<c>cmdlet not available</c>); null when it ran.</summary>
    public string? Skipped { get; set; }

    /// <summary>For a sampled peer: the sample size per repetition and the total it was scaled up to.</summary>
    public (int Sample, long Total)? ScaledFrom { get; set; }

    public List<RunMeasurement> Runs { get; } = new();

    /// <summary>For a list workload, its network floor at the slow latency (issue 18: 20 ms).</summary>
    public NetworkFloor? Floor { get; set; }

    /// <summary>The repetitions at the floor's latency: <see cref="Runs"/> themselves when the benchmark already
    /// runs at it, else the same repetitions once more at that latency.</summary>
    public List<RunMeasurement> FloorRuns { get; set; } = new();

    public double? FloorMedianMs => FloorRuns.Count == 0 ? null : Stats.Of(FloorRuns.Select(r => r.Milliseconds).ToList()).Median;

    /// <summary>How many times the floor the workload took at the floor's latency (1.0 = the network alone).</summary>
    public double? FloorRatio => FloorMedianMs is { } ms && Floor is { Milliseconds: > 0 } f ? ms / f.Milliseconds : null;

    public bool HasRuns => Runs.Count > 0;

    public Stats Time => Stats.Of(Runs.Select(r => r.Milliseconds).ToList());

    public long? MedianRequests => MedianOf(r => r.Requests) is { } m ? (long)m : null;

    public long? MedianObjects => MedianOf(r => r.Objects) is { } m ? (long)m : null;

    /// <summary>Nullable Max ignores nulls and gives null for none.</summary>
    public double? MaxPeakMb => Runs.Max(r => r.PeakMb);

    public double? MaxGrowthMb => Runs.Max(r => r.GrowthMb);

    public double? MedianAfterLastAnswerMs => MedianOf(r => r.AfterLastAnswerMs);

    public double? MedianOf(Func<RunMeasurement, double?> figure)
    {
        var values = Runs.Select(figure).Where(v => v is not null).Select(v => v!.Value).ToList();
        return values.Count == 0 ? null : Stats.Of(values).Median;
    }

    public int Errors => Runs.Sum(r => r.Errors);

    public string? FirstError => Runs.Select(r => r.FirstError).FirstOrDefault(e => e is not null);
}
