using System.Diagnostics;
using System.Globalization;
using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;
using SaTools.Benchmarks.Peers;
using SaTools.Benchmarks.Reporting;
using SaTools.Benchmarks.Workloads;

namespace SaTools.Benchmarks;

/// <summary>
/// Runs every workload and peer against the sandbox's scale scenario, in an order that keeps them apart: the
/// read-only workloads and peers first on one cluster (peer a, which patches default ServiceAccounts, last), then
/// workload 4's variants, each repetition on a fresh cluster of its own.
/// </summary>
public sealed class BenchmarkRunner(BenchmarkOptions options, TextWriter log)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public async Task<BenchmarkReport> RunAsync(CancellationToken cancellationToken)
    {
        var report = new BenchmarkReport(options, MachineInfo.Current());
        Log($"machine: {report.Machine}");
        Log($"scale: {options.Scale} (fraction {options.ScaleFraction.ToString(CultureInfo.InvariantCulture)}), " +
            $"latency {options.LatencyMs} ms per request, {options.Repetitions} repetitions");

        var workDirectory = Directory.CreateTempSubdirectory("satools-bench-").FullName;
        try
        {
            using var runspace = new ModuleRunspace(RepoPaths.ManifestPath);
            Log($"module imported from {RepoPaths.ManifestPath}: {string.Join(", ", runspace.ExportedCmdlets.Order())}");
            var runner = new ModuleWorkloadRunner(runspace);
            var kubectlPath = options.SkipPeers ? null : Kubectl.Locate();
            var peerSkipReason = options.SkipPeers ? "--skip-peers" : kubectlPath is null ? "kubectl not found" : null;

            // One shared cluster, in this order; peer a last because it changes default ServiceAccounts.
            object[] sharedPlan =
            [
                new ListServiceAccounts(), new KubectlGetServiceAccounts(),
                new PermissionSummary(), new WhoCanReadSecrets(), new KubectlCanIList(options.PeerSample),
                new BoundTokenRoundTrip(options.TokenServiceAccounts),
                new ServiceAccountUsageSummary(),
                new KubectlPatchLoop(options.PeerSample),
            ];
            var freshPlan = DisableDefaultAutomount.Variants(options.SlowLatencyMs);

            var cluster = await StartClusterAsync(options.LatencyMs, workDirectory).ConfigureAwait(false);
            await using (cluster.ConfigureAwait(false))
            {
                var census = await ClusterCensus.TakeAsync(cluster, cancellationToken).ConfigureAwait(false);
                report.Census = census;
                Log("served: " + string.Join(", ", census.Counts.Select(kv => $"{kv.Value:N0} {kv.Key}")));
                WarmUp(runspace, cluster);

                Kubectl? kubectl = null;
                if (peerSkipReason is null)
                {
                    kubectl = new Kubectl(kubectlPath!, cluster);
                    try
                    {
                        await kubectl.WarmUpAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (InvalidOperationException e)
                    {
                        peerSkipReason = e.Message;
                        kubectl.Dispose();
                        kubectl = null;
                    }
                }

                using (kubectl)
                {
                    foreach (var item in sharedPlan)
                    {
                        switch (item)
                        {
                            case ModuleWorkload workload:
                                report.Results.Add(RunShared(runner, workload, cluster, census));
                                break;
                            case KubectlPeer peer:
                                report.Results.Add(kubectl is null
                                    ? Skipped(peer, peerSkipReason!)
                                    : await RunPeerAsync(peer, kubectl, cluster, census, cancellationToken).ConfigureAwait(false));
                                break;
                        }
                    }
                }
            }

            foreach (var workload in freshPlan)
            {
                report.Results.Add(await RunFreshAsync(runner, workload, workDirectory, cancellationToken).ConfigureAwait(false));
            }
            return report;
        }
        finally
        {
            try { Directory.Delete(workDirectory, recursive: true); } catch (IOException) { }
        }
    }

    private WorkloadResult RunShared(ModuleWorkloadRunner runner, ModuleWorkload workload, IBenchCluster cluster, ClusterCensus census)
    {
        var result = NewResult(workload);
        if (SkipReason(runner, workload) is { } why)
        {
            result.Skipped = why;
            Log($"{workload.Title}: skipped: {why}");
            return result;
        }
        for (var rep = 0; rep < options.Repetitions; rep++)
        {
            var run = runner.RunOnce(workload, cluster, census);
            result.Runs.Add(run);
            LogRun(workload.Title, rep, run);
        }
        return result;
    }

    private async Task<WorkloadResult> RunFreshAsync(ModuleWorkloadRunner runner, ModuleWorkload workload, string workDirectory, CancellationToken cancellationToken)
    {
        var result = NewResult(workload);
        if (SkipReason(runner, workload) is { } why)
        {
            result.Skipped = why;
            Log($"{workload.Title}: skipped: {why}");
            return result;
        }
        var latency = workload.LatencyMs ?? options.LatencyMs;
        for (var rep = 0; rep < options.Repetitions; rep++)
        {
            var cluster = await StartClusterAsync(latency, workDirectory).ConfigureAwait(false);
            await using (cluster.ConfigureAwait(false))
            {
                var census = await ClusterCensus.TakeAsync(cluster, cancellationToken).ConfigureAwait(false);
                var run = runner.RunOnce(workload, cluster, census);
                result.Runs.Add(run);
                LogRun(workload.Title, rep, run);
            }
        }
        return result;
    }

    private async Task<WorkloadResult> RunPeerAsync(KubectlPeer peer, Kubectl kubectl, IBenchCluster cluster, ClusterCensus census, CancellationToken cancellationToken)
    {
        var result = new WorkloadResult(peer.Key, peer.Title) { IsPeer = true, Note = peer.Note };
        if (peer.ScaledTotal(census) is { } total) result.ScaledFrom = (options.PeerSample, total);
        for (var rep = 0; rep < options.Repetitions; rep++)
        {
            var run = await peer.RunOnceAsync(kubectl, cluster, census, rep, cancellationToken).ConfigureAwait(false);
            result.Runs.Add(run);
            LogRun(peer.Title, rep, run);
        }
        return result;
    }

    private async Task<IBenchCluster> StartClusterAsync(int latencyMs, string workDirectory)
    {
        var started = _clock.Elapsed;
        IBenchCluster cluster = await SandboxCluster.StartAsync(options.Scale, latencyMs, workDirectory).ConfigureAwait(false);
        Log($"sandbox started at {cluster.Url} ({latencyMs} ms latency) in {(_clock.Elapsed - started).TotalSeconds:0.0} s");
        return cluster;
    }

    /// <summary>One small call before any window, so the first timed workload does not pay the module's first-use
    /// costs (JIT, load context) alone.</summary>
    private void WarmUp(ModuleRunspace runspace, IBenchCluster cluster)
    {
        var warm = runspace.Count("Get-K8sServiceAccount -Namespace kube-system -Kubeconfig $args[0]", cluster.KubeconfigPath);
        if (warm.ErrorCount > 0) Log($"warm-up call failed: {warm.FirstError}");
    }

    private static string? SkipReason(ModuleWorkloadRunner runner, ModuleWorkload workload) =>
        runner.MissingCmdlets(workload) is { Count: > 0 } missing ? $"cmdlet not available ({string.Join(", ", missing)})" : null;

    private static WorkloadResult NewResult(ModuleWorkload workload) =>
        new(workload.Key, workload.Title) { PeerKey = workload.PeerKey, PeerRatioPerObject = workload.PeerRatioPerObject, Note = workload.Note };

    private static WorkloadResult Skipped(KubectlPeer peer, string why) =>
        new(peer.Key, peer.Title) { IsPeer = true, Skipped = why, Note = peer.Note };

    private void LogRun(string title, int rep, RunMeasurement run)
    {
        var errors = run.Errors > 0 ? $", {run.Errors} errors: {run.FirstError}" : "";
        Log($"{title} [{rep + 1}/{options.Repetitions}]: {run.Milliseconds:N0} ms, {run.Requests:N0} requests, {run.Objects:N0} objects, peak {run.PeakMb:N0} MB{errors}");
    }

    private void Log(string line) => log.WriteLine($"[{_clock.Elapsed:mm\\:ss}] {line}");
}
