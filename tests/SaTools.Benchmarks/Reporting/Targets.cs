using System.Globalization;
using SaTools.Benchmarks.Workloads;

namespace SaTools.Benchmarks.Reporting;

/// <summary>
/// The targets the figures must show (issue 7 "Targets the figures must show", issue 4 "Speed", issue 6 "Speed
/// and safety", issue 8 "Done when", issue 18 "Done when"), checked against the run's medians. A target whose workload did not run is
/// NOT MEASURED, never a PASS.
/// </summary>
public static class Targets
{
    private const double EvaluationLimitMs = 3000;
    private const double PeakLimitMb = 1024;
    private const double ThrottleSpeedup = 5;
    private const double PatchLoopSpeedup = 20;
    private const double CanISpeedupPerServiceAccount = 50;
    private const double FloorLimit = 1.5;
    private const double UsageGrowthLimitMb = 100;

    public static IReadOnlyList<TargetCheck> Check(BenchmarkReport report)
    {
        var checks = new List<TargetCheck>();
        var w1 = report.Find(ListServiceAccounts.WorkloadKey);
        var w2 = report.Find(PermissionSummary.WorkloadKey);
        var w3 = report.Find(WhoCanReadSecrets.WorkloadKey);
        var w6 = report.Find(ServiceAccountUsageSummary.WorkloadKey);

        checks.Add(MinimumRequests("7, 3", w1));
        checks.Add(MinimumRequests("7, 4", w2));
        checks.Add(MinimumRequests("7, 4", w3));
        checks.Add(MinimumRequests("8", w6));

        checks.Add(Evaluation(w2));

        checks.Add(Ran(w2) is { MaxGrowthMb: { } growth } peakRun
            ? new("7, 4", "workload 2 peak memory < 1 GB",
                $"+{growth:N0} MB over the {peakRun.Runs.Min(r => r.BaselineMb ?? 0):N0} MB baseline (process peak {peakRun.MaxPeakMb:N0} MB, in-process sandbox included)",
                Outcome(growth < PeakLimitMb))
            : NotMeasured("7, 4", "workload 2 peak memory < 1 GB", w2));

        checks.Add(Speedup("7", $"workload 4 >= {ThrottleSpeedup}x faster than -ThrottleLimit 1 (at {report.Options.LatencyMs} ms)",
            report.Find(DisableDefaultAutomount.KeyFor(null, null)), report.Find(DisableDefaultAutomount.KeyFor(1, null)), ThrottleSpeedup));
        // At the benchmark's own latency when that is already issue 6's (then the variants were run once).
        int? slow = report.Options.LatencyMs == report.Options.SlowLatencyMs ? null : report.Options.SlowLatencyMs;
        checks.Add(Speedup("6", $"workload 4 >= {ThrottleSpeedup}x faster than -ThrottleLimit 1 at {report.Options.SlowLatencyMs} ms",
            report.Find(DisableDefaultAutomount.KeyFor(null, slow)), report.Find(DisableDefaultAutomount.KeyFor(1, slow)), ThrottleSpeedup));
        checks.Add(Writes(report));
        checks.Add(SafetyUnderFaults(report.Find(DisableDefaultAutomountUnderFaults.WorkloadKey)));

        var w4 = report.Find(DisableDefaultAutomount.KeyFor(null, null));
        checks.Add(PeerSpeedup(report, "7", $"workload 4 >= {PatchLoopSpeedup}x faster than peer a (kubectl patch loop)", w4, PatchLoopSpeedup));
        checks.Add(PeerSpeedup(report, "7", $"workload 2 >= {CanISpeedupPerServiceAccount}x faster than peer b (kubectl auth can-i --list) per ServiceAccount covered", w2, CanISpeedupPerServiceAccount));

        foreach (var listWorkload in report.Results.Where(r => r.Floor is not null))
        {
            checks.Add(NearTheFloor(report, listWorkload));
        }
        checks.Add(UsageMemory(report, w6));
        if (report.Scaling.FirstOrDefault(p => p.Fraction == 0.5) is { } half && report.Scaling.FirstOrDefault(p => p.Fraction == 1) is { } full)
        {
            foreach (var atFull in full.Results)
            {
                checks.Add(ScalesProportionally(half.Find(atFull.Key), atFull));
            }
        }
        return checks;
    }

    /// <summary>Issue 18: at 20 ms and full scale, every list workload within 1.5x of its network floor.</summary>
    private static TargetCheck NearTheFloor(BenchmarkReport report, WorkloadResult w)
    {
        var target = $"{w.Title}: at {w.Floor!.LatencyMs} ms within {FloorLimit}x of its floor ({w.Floor})";
        if (Ran(w) is null || w.FloorRuns.Count == 0 || w.FloorRuns.Any(r => r.Errors > 0)) return NotMeasured("18", target, w);
        var measured = $"{Ms(w.FloorMedianMs!.Value)} vs {Ms(w.Floor.Milliseconds)}: {w.FloorRatio:0.00}x";
        return AtFullScale(report, "18", target, measured, w.FloorRatio <= FloorLimit);
    }

    /// <summary>Issue 18: the usage join grows the process by at most 100 MB at full scale (40,000 pods).</summary>
    private static TargetCheck UsageMemory(BenchmarkReport report, WorkloadResult? w6)
    {
        var target = $"workload 6 grows at most {UsageGrowthLimitMb} MB";
        if (Ran(w6) is not { MaxGrowthMb: { } growth } run) return NotMeasured("18", target, w6);
        var measured = $"+{growth:N0} MB over the {run.Runs.Min(r => r.BaselineMb ?? 0):N0} MB baseline ({report.Census?.Count("pods"):N0} pods)";
        return AtFullScale(report, "18", target, measured, growth <= UsageGrowthLimitMb);
    }

    /// <summary>Issue 18: from half to full scale, time and memory grow at most 2.3x.</summary>
    private static TargetCheck ScalesProportionally(WorkloadResult? half, WorkloadResult full)
    {
        var target = $"{full.Title}: from half to full scale time and memory grow at most {ScalingGrowth.Limit}x";
        if (Ran(half) is null || Ran(full) is null) return NotMeasured("18", target, Ran(half) is null ? half : full);
        var time = ScalingGrowth.Time(half, full);
        var memory = ScalingGrowth.Memory(half, full);
        var judged = ScalingGrowth.JudgedMemory(half, full);
        var resolution = judged is { } j && (memory is null || j < memory)
            ? $"; under {ScalingGrowth.MemoryResolutionMb:N0} MB at half scale, so over {ScalingGrowth.MemoryResolutionMb:N0} MB: {j:0.00}x"
            : "";
        var measured = $"time {time:0.00}x ({Ms(half!.Time.Median)} -> {Ms(full.Time.Median)}), memory " +
                       (judged is null ? "not measured" : $"{(memory is { } m ? $"{m:0.00}x " : "")}(+{half.MaxGrowthMb:N0} -> +{full.MaxGrowthMb:N0} MB{resolution})");
        return new("18", target, measured, judged is null ? TargetOutcome.NotMeasured : Outcome(time <= ScalingGrowth.Limit && judged <= ScalingGrowth.Limit));
    }

    /// <summary>Issue 18's targets are for the full scale: at another the figure is shown, not judged.</summary>
    private static TargetCheck AtFullScale(BenchmarkReport report, string issue, string target, string measured, bool passed) =>
        report.Fraction == 1
            ? new(issue, target, measured, Outcome(passed))
            : new(issue, target, $"{measured} (at {report.Fraction.ToString(CultureInfo.InvariantCulture)}x scale; the target is for full scale)", TargetOutcome.NotMeasured);

    private static TargetCheck MinimumRequests(string issue, WorkloadResult? w)
    {
        var target = $"{w?.Title ?? "workload"}: minimum requests (pages of each list, nothing per ServiceAccount or namespace)";
        if (Ran(w) is not { } run || run.Runs.Any(r => r.MinimumRequests is null)) return NotMeasured(issue, target, w);
        var most = run.Runs.Max(r => r.Requests);
        var minimum = run.Runs.Max(r => r.MinimumRequests!.Value);
        var tally = run.Runs.Last().Tally;
        var pageSizes = tally is null ? "" : $"; limit={string.Join("/", tally.PageSizes)}";
        return new(issue, target, $"{most:N0} requests, minimum {minimum:N0} ({tally?.Breakdown}{pageSizes})", Outcome(most <= minimum));
    }

    /// <summary>Issue 7 says evaluation time, issue 4 says CPU: both are held to 3 s.</summary>
    private static TargetCheck Evaluation(WorkloadResult? w2)
    {
        const string target = "workload 2 evaluation after the lists arrive < 3 s";
        if (Ran(w2) is not { MedianAfterLastAnswerMs: { } wallMs } run) return NotMeasured("7, 4", target, w2);
        var cpuMs = run.MedianOf(r => r.CpuAfterLastAnswerMs);
        var measured = $"{Ms(wallMs)} wall" + (cpuMs is { } c ? $", {Ms(c)} CPU" : "") + " (medians, from the last list answer to the end)";
        return new("7, 4", target, measured, Outcome(wallMs < EvaluationLimitMs && (cpuMs ?? 0) < EvaluationLimitMs));
    }

    private static TargetCheck Speedup(string issue, string target, WorkloadResult? fast, WorkloadResult? slow, double factor)
    {
        if (Ran(fast) is not { } f) return NotMeasured(issue, target, fast);
        if (Ran(slow) is not { } s) return NotMeasured(issue, target, slow);
        var ratio = s.Time.Median / f.Time.Median;
        return new(issue, target, $"{ratio:0.0}x ({Ms(f.Time.Median)} vs {Ms(s.Time.Median)})", Outcome(ratio >= factor));
    }

    private static TargetCheck Writes(BenchmarkReport report)
    {
        const string target = "workload 4 writes = default ServiceAccounts that needed the change";
        var runs = report.Results
            .Where(r => r.Key.StartsWith(DisableDefaultAutomount.DefaultKey, StringComparison.Ordinal) && r.Skipped is null)
            .SelectMany(r => r.Runs)
            .Where(r => r.WritesNeeded is not null && r.Safety is null)
            .ToList();
        if (runs.Count == 0) return new("6", target, "not run", TargetOutcome.NotMeasured);
        var mismatched = runs.Where(r => r.Writes != r.WritesNeeded).ToList();
        var example = runs.First();
        return new("6", target,
            mismatched.Count == 0
                ? $"{runs.Count} runs, each {example.Writes:N0} writes for {example.WritesNeeded:N0} needed"
                : $"{mismatched.Count} of {runs.Count} runs off, e.g. {mismatched[0].Writes:N0} writes for {mismatched[0].WritesNeeded:N0} needed",
            Outcome(mismatched.Count == 0 && runs.All(r => r.Errors == 0)));
    }

    private static TargetCheck SafetyUnderFaults(WorkloadResult? w)
    {
        const string target = "under faults (429 Retry-After, 500, resets) every default ServiceAccount ends false, each written once per needed change, no other difference in a before/after dump";
        if (Ran(w) is not { } run || run.Runs.Any(r => r.Safety is null)) return NotMeasured("6", target, w);
        var broken = run.Runs.Select(r => r.Safety!).Where(s => !s.Holds).ToList();
        var first = run.Runs[0].Safety!;
        return new("6", target,
            broken.Count == 0
                ? $"{run.Runs.Count} runs, each {first.AppliedWrites:N0} writes persisted for {first.WritesNeeded:N0} needed through {run.Runs.Min(r => r.Safety!.FaultedRequests):N0}-{run.Runs.Max(r => r.Safety!.FaultedRequests):N0} faulted requests"
                : $"{broken.Count} of {run.Runs.Count} runs broken: {broken[0].DefaultsNotFalse} not false, {broken[0].OtherDifferences} other differences, {broken[0].AppliedWrites:N0} writes for {broken[0].WritesNeeded:N0} needed ({broken[0].FirstProblem})",
            Outcome(broken.Count == 0 && run.Runs.All(r => r.Safety!.FaultedRequests > 0)));
    }

    private static TargetCheck PeerSpeedup(BenchmarkReport report, string issue, string target, WorkloadResult? w, double factor)
    {
        if (Ran(w) is not { } run) return NotMeasured(issue, target, w);
        if (run.PeerKey is null || report.Find(run.PeerKey) is not { } peer || Ran(peer) is null) return NotMeasured(issue, target, run.PeerKey is null ? null : report.Find(run.PeerKey));
        return report.PeerRatio(run) is { } ratio
            ? new(issue, target, $"{ratio:0.0}x ({Ms(run.Time.Median)} vs {Ms(peer.Time.Median)} scaled)", Outcome(ratio >= factor))
            : new(issue, target, "no ratio: a side had errors or no objects", TargetOutcome.Fail);
    }

    /// <summary>The result if it ran without errors; a run with errors proves nothing.</summary>
    private static WorkloadResult? Ran(WorkloadResult? w) => w is { HasRuns: true, Skipped: null, Errors: 0 } ? w : null;

    private static TargetCheck NotMeasured(string issue, string target, WorkloadResult? w) =>
        w is { Errors: > 0 }
            ? new(issue, target, $"errors: {w.FirstError}", TargetOutcome.Fail)
            : new(issue, target, w?.Skipped is { } why ? $"skipped: {why}" : "not run", TargetOutcome.NotMeasured);

    private static TargetOutcome Outcome(bool passed) => passed ? TargetOutcome.Pass : TargetOutcome.Fail;

    private static string Ms(double ms) => ms >= 10_000
        ? (ms / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : ms.ToString("N0", CultureInfo.InvariantCulture) + " ms";
}
