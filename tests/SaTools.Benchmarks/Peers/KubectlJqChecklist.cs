using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;
using SaTools.Benchmarks.Reporting;

namespace SaTools.Benchmarks.Peers;

/// <summary>
/// Peer e: the "Service Account Security" checklist's own kubectl + jq pipelines for the checks jq can express,
/// run one after the other in one shell as a script would: SA01 (every ServiceAccount's automount setting), SA03
/// (pods running as default) and SA07 (legacy token Secrets), each exactly as the checklist writes it
/// (../shared/seeds). Objects are the lines the three print. Needs Debian's jq.
/// </summary>
public sealed class KubectlJqChecklist : KubectlPeer
{
    public const string PeerKey = "peer-e-kubectl-jq-checklist";

    public override string Key => PeerKey;

    public override string Title => "e kubectl | jq: checklist SA01, SA03, SA07";

    public override string? Note => "three pipelines in one shell; requests include kubectl's";

    /// <summary>The checklist's jq programs, by check.</summary>
    public static readonly IReadOnlyList<(string Check, string Resource, string Jq)> Pipelines =
    [
        ("SA01", "serviceaccounts", """.items[] | "\(.metadata.namespace)/\(.metadata.name) automount=\(.automountServiceAccountToken // "not set (defaults to true)")" """),
        ("SA03", "pods", """.items[] | select(.spec.serviceAccountName == "default" or .spec.serviceAccountName == null) | "\(.metadata.namespace)/\(.metadata.name)" """),
        ("SA07", "secrets", """.items[] | select(.type == "kubernetes.io/service-account-token") | "\(.metadata.namespace)/\(.metadata.name) sa=\(.metadata.annotations["kubernetes.io/service-account.name"])" """),
    ];

    public static string? LocateJq() => File.Exists("/usr/bin/jq") ? "/usr/bin/jq" : null;

    public override async Task<RunMeasurement> RunOnceAsync(Kubectl kubectl, IBenchCluster cluster, ClusterCensus census, int repetition, CancellationToken cancellationToken)
    {
        if (LocateJq() is not { } jq)
        {
            return new RunMeasurement(0, 0, null, null, 1, "jq not found (apt-get install -y jq)");
        }
        var kube = string.Join(' ', new[] { kubectl.Executable }.Concat(kubectl.CommonArguments).Select(Quote));
        var script = "set -eo pipefail\n" + string.Join("\n", Pipelines.Select(p =>
            $"{kube} get {p.Resource} --all-namespaces -o json | {Quote(jq)} -r {Quote(p.Jq.Trim())}"));
        var window = RequestWindow.Open(cluster);
        var run = await ChildProcessRun.RunAsync("/bin/bash", ["-c", script], cancellationToken).ConfigureAwait(false);
        var tally = window.Close();
        return new RunMeasurement(
            run.Elapsed.TotalMilliseconds,
            tally.Total,
            run.ExitCode == 0 ? run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LongLength : null,
            run.PeakBytes is { } p ? p / 1024.0 / 1024.0 : null,
            run.ExitCode == 0 ? 0 : 1,
            run.ExitCode == 0 ? null : $"exit {run.ExitCode}: {run.Stderr.Trim().ReplaceLineEndings(" ")}")
        {
            Tally = tally,
            DiscoveryRequests = tally.Discovery,
        };
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
