using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;
using SaTools.Benchmarks.Reporting;

namespace SaTools.Benchmarks.Peers;

/// <summary>
/// Peer b: per ServiceAccount <c>kubectl auth can-i --list --as=system:serviceaccount:&lt;ns&gt;:&lt;name&gt; -n &lt;ns&gt;</c>
/// (one SelfSubjectRulesReview, impersonated), on a sample of ServiceAccounts, scaled up linearly to all of them.
/// </summary>
public sealed class KubectlCanIList(int sampleSize) : KubectlPeer
{
    public const string PeerKey = "peer-b-kubectl-can-i-list";

    public override string Key => PeerKey;

    public override string Title => "b kubectl auth can-i --list, per SA";

    public override long? ScaledTotal(ClusterCensus census) => census.ServiceAccounts.Count;

    public override string Note => $"{sampleSize} ServiceAccounts per repetition, scaled up linearly; objects = ServiceAccounts covered";

    public override Task<RunMeasurement> RunOnceAsync(Kubectl kubectl, IBenchCluster cluster, ClusterCensus census, int repetition, CancellationToken cancellationToken)
    {
        var sample = Sample.Evenly(census.ServiceAccounts, sampleSize, offset: repetition);
        return SampledLoop.RunAsync(kubectl, cluster, sample, census.ServiceAccounts.Count,
            sa => ["auth", "can-i", "--list", $"--as=system:serviceaccount:{sa.Namespace}:{sa.Name}", "-n", sa.Namespace],
            cancellationToken);
    }
}
