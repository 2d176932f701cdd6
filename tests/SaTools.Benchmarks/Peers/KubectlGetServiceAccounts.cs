using System.Text.Json;
using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;
using SaTools.Benchmarks.Reporting;

namespace SaTools.Benchmarks.Peers;

/// <summary>Peer c: <c>kubectl get serviceaccounts -A -o json</c>, whole, objects counted from its output.</summary>
public sealed class KubectlGetServiceAccounts : KubectlPeer
{
    public const string PeerKey = "peer-c-kubectl-get-serviceaccounts";

    public override string Key => PeerKey;

    public override string Title => "c kubectl get serviceaccounts -A -o json";

    public override async Task<RunMeasurement> RunOnceAsync(Kubectl kubectl, IBenchCluster cluster, ClusterCensus census, int repetition, CancellationToken cancellationToken)
    {
        var window = RequestWindow.Open(cluster);
        var run = await kubectl.RunAsync(["get", "serviceaccounts", "-A", "-o", "json"], cancellationToken).ConfigureAwait(false);
        var tally = window.Close();
        long? objects = null;
        if (run.ExitCode == 0)
        {
            using var doc = JsonDocument.Parse(run.Stdout);
            objects = doc.RootElement.GetProperty("items").GetArrayLength();
        }
        return new RunMeasurement(
            run.Elapsed.TotalMilliseconds,
            tally.Total,
            objects,
            run.PeakBytes is { } p ? p / 1024.0 / 1024.0 : null,
            run.ExitCode == 0 ? 0 : 1,
            run.ExitCode == 0 ? null : $"kubectl exit {run.ExitCode}: {run.Stderr.Trim().ReplaceLineEndings(" ")}")
        {
            Tally = tally,
            DiscoveryRequests = tally.Discovery,
        };
    }
}
