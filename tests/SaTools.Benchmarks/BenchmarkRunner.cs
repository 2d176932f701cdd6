using System.Diagnostics;
using System.Globalization;
using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;
using SaTools.Benchmarks.Peers;
using SaTools.Benchmarks.Reporting;
using SaTools.Benchmarks.Workloads;

namespace SaTools.Benchmarks;

/// <summary>
/// Runs every workload and peer against one sandbox with the scale scenario, one at a time so each request
/// window holds only its own requests: the read-only workloads and peers first, then peer a and workload 4, which
/// change default ServiceAccounts (workload 4 starts each repetition from the fresh scenario:
/// <see cref="ScenarioRestore.Method"/>).
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
        Log(InProcessPeakMemory.KernelPeakResettable
            ? "peak memory: kernel high-water mark reset at each run (/proc/self/clear_refs), plus 5 ms sampling"
            : "peak memory: sampled every 5 ms (this process may not reset its high-water mark)");

        object[] plan =
        [
            new ListServiceAccounts(), new KubectlGetServiceAccounts(),
            new PermissionSummary(), new WhoCanReadSecrets(), new KubectlCanIList(options.PeerSample),
            new BoundTokenRoundTrip(options.TokenServiceAccounts),
            new ServiceAccountUsageSummary(),
            new ServiceAccountAudit(), new KubectlJqChecklist(),
            new KubectlPatchLoop(options.PeerSample),
            .. DisableDefaultAutomount.Variants(options.LatencyMs, options.SlowLatencyMs),
            new DisableDefaultAutomountUnderFaults(),
        ];
        plan = plan.Where(item => options.Includes(item switch
        {
            ModuleWorkload w => w.Key,
            KubectlPeer p => p.Key,
            _ => "",
        })).ToArray();

        var workDirectory = Directory.CreateTempSubdirectory("satools-bench-").FullName;
        try
        {
            using var runspace = new ModuleRunspace(RepoPaths.ManifestPath);
            Log($"module imported from {RepoPaths.ManifestPath}: {string.Join(", ", runspace.ExportedCmdlets.Order())}");
            var runner = new ModuleWorkloadRunner(runspace);
            if (options.IsScalingRun)
            {
                await RunScalingAsync(report, ListWorkloads(plan), runner, runspace, workDirectory, cancellationToken).ConfigureAwait(false);
                return report;
            }

            var started = _clock.Elapsed;
            var cluster = await SandboxCluster.StartAsync(options.Scale, options.LatencyMs, workDirectory).ConfigureAwait(false);
            Log($"sandbox started at {cluster.Url} in {(_clock.Elapsed - started).TotalSeconds:0.0} s");
            await using (cluster.ConfigureAwait(false))
            {
                var census = await ClusterCensus.TakeAsync(cluster, cancellationToken).ConfigureAwait(false);
                report.Census = census;
                Log("served: " + string.Join(", ", census.Counts.Select(kv => $"{kv.Value:N0} {kv.Key}")));
                WarmUp(runspace, cluster);

                var (kubectl, peerSkipReason) = await StartKubectlAsync(cluster, cancellationToken).ConfigureAwait(false);
                using (kubectl)
                {
                    foreach (var item in plan)
                    {
                        report.Results.Add(item switch
                        {
                            ModuleWorkload workload => await RunWorkloadAsync(runner, workload, cluster, census, cancellationToken).ConfigureAwait(false),
                            KubectlPeer peer when kubectl is null => Skipped(peer, peerSkipReason!),
                            KubectlPeer peer => await RunPeerAsync(peer, kubectl, cluster, census, cancellationToken).ConfigureAwait(false),
                            _ => throw new InvalidOperationException($"Not a workload or peer: {item}"),
                        });
                    }
                }
            }
            return report;
        }
        finally
        {
            try { Directory.Delete(workDirectory, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The workloads with a list target that only read: those the floor and the scaling run are about.</summary>
    private static IReadOnlyList<ModuleWorkload> ListWorkloads(IEnumerable<object> plan) =>
        plan.OfType<ModuleWorkload>()
            .Where(w => w.MinimumLists.Count > 0 && w.LatencyMs is null && w.Faults.Count == 0 && !w.ChangesDefaultServiceAccounts)
            .ToList();

    /// <summary>
    /// Issue 18's scaling run: the list workloads at each scale (half, full, double by default), each scale against
    /// its own sandbox, started after the previous one is gone. The report's ordinary results are those of the full
    /// scale (else the largest), so the targets and bench-results.json read as after an ordinary run.
    /// </summary>
    private async Task RunScalingAsync(BenchmarkReport report, IReadOnlyList<ModuleWorkload> workloads, ModuleWorkloadRunner runner,
        ModuleRunspace runspace, string workDirectory, CancellationToken cancellationToken)
    {
        Log($"scaling run: {string.Join(", ", options.ScalingFractions.Select(f => f.ToString(CultureInfo.InvariantCulture) + "x"))} of the full scale; " +
            string.Join(", ", workloads.Select(w => w.Title)));
        foreach (var fraction in options.ScalingFractions)
        {
            var scale = ScaleSpec.Full.Scaled(fraction);
            var started = _clock.Elapsed;
            var cluster = await SandboxCluster.StartAsync(scale, options.LatencyMs, workDirectory).ConfigureAwait(false);
            Log($"scale {fraction.ToString(CultureInfo.InvariantCulture)}x: {scale}; sandbox started at {cluster.Url} in {(_clock.Elapsed - started).TotalSeconds:0.0} s");
            var results = new List<WorkloadResult>();
            await using (cluster.ConfigureAwait(false))
            {
                var census = await ClusterCensus.TakeAsync(cluster, cancellationToken).ConfigureAwait(false);
                Log("served: " + string.Join(", ", census.Counts.Select(kv => $"{kv.Value:N0} {kv.Key}")));
                WarmUp(runspace, cluster);
                foreach (var workload in workloads)
                {
                    results.Add(await RunWorkloadAsync(runner, workload, cluster, census, cancellationToken, floorRuns: false).ConfigureAwait(false));
                }
                report.Scaling.Add(new ScalingPoint(fraction, scale, census, results));
            }
            // The sandbox of this scale is gone: let the next one start from a collected heap.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        var main = report.Scaling.FirstOrDefault(p => p.Fraction == 1) ?? report.Scaling[^1];
        report.Fraction = main.Fraction;
        report.Census = main.Census;
        report.Results.AddRange(main.Results);
    }

    /// <param name="census">The census taken when the scenario was fresh.</param>
    /// <param name="floorRuns">Run a list workload once more at the slow latency for its floor ratio when the
    /// benchmark runs at another latency (the scaling run does not).</param>
    private async Task<WorkloadResult> RunWorkloadAsync(ModuleWorkloadRunner runner, ModuleWorkload workload, IBenchCluster cluster, ClusterCensus census, CancellationToken cancellationToken, bool floorRuns = true)
    {
        var result = new WorkloadResult(workload.Key, workload.Title)
        {
            PeerKey = workload.PeerKey,
            PeerRatioPerObject = workload.PeerRatioPerObject,
            Note = workload.Note,
        };
        if (runner.MissingCmdlets(workload) is { Count: > 0 } missing)
        {
            result.Skipped = $"cmdlet not available ({string.Join(", ", missing)})";
            Log($"{workload.Title}: skipped: {result.Skipped}");
            return result;
        }

        cluster.SetLatency(workload.LatencyMs ?? options.LatencyMs);
        try
        {
            if (runner.WarmUp(workload, cluster) is { } warmUpError) Log($"{workload.Title}: warm-up call failed: {warmUpError}");
            for (var rep = 0; rep < options.Repetitions; rep++)
            {
                var run = await RunRepetitionAsync(runner, workload, cluster, census, cancellationToken).ConfigureAwait(false);
                result.Runs.Add(run);
                LogRun(workload.Title, rep, run);
            }
            if (ListWorkloads([workload]).Count > 0)
            {
                // Issue 18: the list workloads against their network floor at the slow latency.
                result.Floor = NetworkFloor.For(census, workload.MinimumLists, options.SlowLatencyMs);
                if (options.LatencyMs == options.SlowLatencyMs)
                {
                    result.FloorRuns = result.Runs;
                }
                else if (floorRuns)
                {
                    var title = $"{workload.Title} at {options.SlowLatencyMs} ms";
                    for (var rep = 0; rep < options.Repetitions; rep++)
                    {
                        // Each repetition puts the benchmark's latency back when it ends.
                        cluster.SetLatency(options.SlowLatencyMs);
                        var run = await RunRepetitionAsync(runner, workload, cluster, census, cancellationToken).ConfigureAwait(false);
                        result.FloorRuns.Add(run);
                        LogRun(title, rep, run);
                    }
                }
                if (result.FloorRatio is { } ratio)
                    Log($"{workload.Title}: {result.FloorMedianMs:N0} ms at {options.SlowLatencyMs} ms, floor {result.Floor!.Milliseconds:N0} ms ({result.Floor}): {ratio:0.00}x");
            }
        }
        finally
        {
            cluster.SetLatency(options.LatencyMs);
        }
        return result;
    }

    /// <summary>
    /// One repetition: the fresh scenario first when the workload changes default ServiceAccounts, then the
    /// timed run with the workload's faults armed (the census before it must see the cluster as it is; they are
    /// armed afresh each repetition and cleared with the latency reset after it), then, for a run with faults,
    /// issue 6's safety check.
    /// </summary>
    private async Task<RunMeasurement> RunRepetitionAsync(
        ModuleWorkloadRunner runner, ModuleWorkload workload, IBenchCluster cluster, ClusterCensus census, CancellationToken cancellationToken)
    {
        var before = census;
        ScenarioRestore? restore = null;
        if (workload.ChangesDefaultServiceAccounts)
        {
            (restore, before) = await FreshScenarioAsync(cluster, census, cancellationToken).ConfigureAwait(false);
        }
        var dumpBefore = workload.Faults.Count > 0 ? cluster.DumpServiceAccounts() : null;
        foreach (var fault in workload.Faults) cluster.AddFault(fault);
        var mark = cluster.RequestCount;
        using var writes = cluster.RecordServiceAccountWrites();
        var run = runner.RunOnce(workload, cluster, before) with { RestoredBeforeRun = restore?.Rewritten };
        cluster.SetLatency(workload.LatencyMs ?? options.LatencyMs);
        if (dumpBefore is null) return run;
        var safety = AutomountSafety.Check(dumpBefore, cluster.DumpServiceAccounts(), writes.Writes, cluster.RequestsSince(mark));
        // Objects: the ServiceAccounts written, not the PATCHes answered (resends change nothing).
        return run with { Safety = safety, Objects = safety.AppliedWrites };
    }

    /// <summary>
    /// Puts the scenario back as generated for a workload that changes default ServiceAccounts (see
    /// <see cref="ScenarioRestore.Method"/>), then proves it through the API: a new census must find as many
    /// default ServiceAccounts needing the change as the fresh one did, so every repetition has the same writes to do.
    /// </summary>
    private async Task<(ScenarioRestore Restore, ClusterCensus Census)> FreshScenarioAsync(IBenchCluster cluster, ClusterCensus fresh, CancellationToken cancellationToken)
    {
        var restore = cluster.RestoreGeneratedDefaultServiceAccounts();
        if (restore.StillDiffering > 0)
        {
            throw new InvalidOperationException($"{restore.StillDiffering} default ServiceAccounts still differ from the generated scenario after the restore.");
        }
        var census = await ClusterCensus.TakeAsync(cluster, cancellationToken).ConfigureAwait(false);
        if (census.DefaultsNeedingChange != fresh.DefaultsNeedingChange)
        {
            throw new InvalidOperationException(
                $"After the restore {census.DefaultsNeedingChange} default ServiceAccounts need the change; the fresh scenario had {fresh.DefaultsNeedingChange}.");
        }
        Log($"fresh scenario: {restore.Rewritten} of {restore.DefaultServiceAccounts} default ServiceAccounts put back as generated; {census.DefaultsNeedingChange} need the change");
        return (restore, census);
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

    /// <summary>kubectl with a warm discovery cache, or why the peers cannot run.</summary>
    private async Task<(Kubectl? Kubectl, string? SkipReason)> StartKubectlAsync(IBenchCluster cluster, CancellationToken cancellationToken)
    {
        if (options.SkipPeers) return (null, "--skip-peers");
        if (Kubectl.Locate() is not { } path) return (null, "kubectl not found");
        var kubectl = new Kubectl(path, cluster);
        try
        {
            await kubectl.WarmUpAsync(cancellationToken).ConfigureAwait(false);
            return (kubectl, null);
        }
        catch (InvalidOperationException e)
        {
            kubectl.Dispose();
            Log($"peers skipped: {e.Message}");
            return (null, e.Message);
        }
    }

    /// <summary>One small call before any window, so the first timed workload does not pay the module's first-use
    /// costs (JIT, load context) alone.</summary>
    private void WarmUp(ModuleRunspace runspace, IBenchCluster cluster)
    {
        var warm = runspace.Count("Get-K8sServiceAccount -Namespace kube-system -Kubeconfig $args[0]", cluster.KubeconfigPath);
        if (warm.ErrorCount > 0) Log($"warm-up call failed: {warm.FirstError}");
    }

    private static WorkloadResult Skipped(KubectlPeer peer, string why) =>
        new(peer.Key, peer.Title) { IsPeer = true, Skipped = why, Note = peer.Note };

    private void LogRun(string title, int rep, RunMeasurement run)
    {
        var errors = run.Errors > 0 ? $", {run.Errors} errors: {run.FirstError}" : "";
        var safety = run.Safety is { } s
            ? $", {s.FaultedRequests} faulted requests, {s.AppliedWrites} writes persisted for {s.WritesNeeded} needed ({s.ResentPatches} resent PATCHes changed nothing), safety {(s.Holds ? "holds" : "BROKEN: " + s.FirstProblem)}"
            : "";
        Log($"{title} [{rep + 1}/{options.Repetitions}]: {run.Milliseconds:N0} ms{(run.CpuMs is { } cpuMs ? $" ({cpuMs:N0} ms process CPU)" : "")}, {run.Requests:N0} requests, {run.Objects:N0} objects, peak {run.PeakMb:N0} MB{errors}{safety}");
    }

    private void Log(string line) => log.WriteLine($"[{_clock.Elapsed:mm\\:ss}] {line}");
}
