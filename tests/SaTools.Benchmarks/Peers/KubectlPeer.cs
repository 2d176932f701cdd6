using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;
using SaTools.Benchmarks.Reporting;

namespace SaTools.Benchmarks.Peers;

/// <summary>The way people do it today, with the real kubectl: one repetition measured per call.</summary>
public abstract class KubectlPeer
{
    public abstract string Key { get; }

    public abstract string Title { get; }

    public virtual string? Note => null;

    /// <summary>Whole-cluster total a sampled loop is scaled up to; null when the peer is not sampled.</summary>
    public virtual long? ScaledTotal(ClusterCensus census) => null;

    /// <summary>Runs repetition <paramref name="repetition"/> (0-based; sampled peers take a different sample each
    /// time so a repetition never meets the previous one's changes).</summary>
    public abstract Task<RunMeasurement> RunOnceAsync(Kubectl kubectl, IBenchCluster cluster, ClusterCensus census, int repetition, CancellationToken cancellationToken);
}
