using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;
using SaTools.Benchmarks.Reporting;

namespace SaTools.Benchmarks.Peers;

/// <summary>
/// Peer a, the checklist's shell loop: for each namespace
/// <c>kubectl patch serviceaccount default -n $ns -p '{"automountServiceAccountToken": false}'</c>, on a sample of
/// namespaces, scaled up linearly to all of them.
/// </summary>
public sealed class KubectlPatchLoop(int sampleSize) : KubectlPeer
{
    public const string PeerKey = "peer-a-kubectl-patch-loop";

    public override string Key => PeerKey;

    public override string Title => "a kubectl patch sa default, per namespace";

    public override long? ScaledTotal(ClusterCensus census) => Namespaces(census).Count;

    public override string Note => $"{sampleSize} namespaces per repetition, scaled up linearly";

    public override Task<RunMeasurement> RunOnceAsync(Kubectl kubectl, IBenchCluster cluster, ClusterCensus census, int repetition, CancellationToken cancellationToken)
    {
        var namespaces = Namespaces(census);
        var sample = Sample.Evenly(namespaces, sampleSize, offset: repetition);
        return SampledLoop.RunAsync(kubectl, cluster, sample, namespaces.Count,
            ns => ["patch", "serviceaccount", "default", "-n", ns, "-p", "{\"automountServiceAccountToken\": false}"],
            cancellationToken);
    }

    /// <summary>The namespaces with a default ServiceAccount: the ones the loop visits.</summary>
    private static IReadOnlyList<string> Namespaces(ClusterCensus census) =>
        census.ServiceAccounts.Where(sa => sa.Name == "default").Select(sa => sa.Namespace).Distinct().Order(StringComparer.Ordinal).ToList();
}
