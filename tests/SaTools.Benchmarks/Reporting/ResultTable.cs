using System.Globalization;

namespace SaTools.Benchmarks.Reporting;

/// <summary>The printed report: one row per workload and peer, then the targets with PASS/FAIL.</summary>
public static class ResultTable
{
    public static void Print(BenchmarkReport report, IReadOnlyList<TargetCheck> targets, TextWriter output)
    {
        var rows = new List<string[]>
        {
            new[] { "workload", "median", "min", "max", "requests", "min req", "objects", "peak MB", "vs peer", $"at {report.Options.SlowLatencyMs} ms", "floor", "x floor", "notes" },
        };
        foreach (var r in report.Results)
        {
            if (!r.HasRuns)
            {
                rows.Add(new[] { r.Title, "", "", "", "", "", "", "", "", "", "", "", r.Skipped is { } why ? "skipped: " + Truncate(why, 120) : "not run" });
                continue;
            }
            var t = r.Time;
            var notes = new List<string>();
            if (r.Errors > 0) notes.Add($"{r.Errors} errors: {Truncate(r.FirstError, 90)}");
            if (r.MedianAfterLastAnswerMs is { } eval) notes.Add($"after lists {Ms(eval)}" + (r.MedianOf(x => x.CpuAfterLastAnswerMs) is { } cpu ? $" ({Ms(cpu)} CPU)" : ""));
            if (r.MaxGrowthMb is { } growth) notes.Add($"+{growth:N0} MB");
            if (r.Runs.Any(x => x.Safety is not null))
            {
                var safety = r.Runs.Select(x => x.Safety).OfType<Measurement.AutomountSafety>().ToList();
                notes.Add($"{safety.Min(x => x.FaultedRequests):N0}-{safety.Max(x => x.FaultedRequests):N0} faulted requests; safety {(safety.All(x => x.Holds) ? "holds" : "BROKEN")}; " +
                          $"writes persisted {safety[0].AppliedWrites:N0}/{safety[0].WritesNeeded:N0} needed");
            }
            else if (r.Runs.FirstOrDefault(x => x.WritesNeeded is not null) is { } w) notes.Add($"writes {w.Writes:N0}/{w.WritesNeeded:N0} needed");
            if (r.Runs.Any(x => x.RestoredBeforeRun is not null)) notes.Add($"fresh scenario each run ({string.Join("/", r.Runs.Select(x => x.RestoredBeforeRun))} defaults restored)");
            if (r.MedianOf(x => x.DiscoveryRequests) is { } discovery) notes.Add($"{discovery:N0} of the requests discovery");
            if (r.ScaledFrom is { } scaled) notes.Add($"scaled from {scaled.Sample} to {scaled.Total:N0}");
            var minimum = r.Runs.Select(x => x.MinimumRequests).FirstOrDefault(m => m is not null);
            rows.Add(new[]
            {
                r.Title, Ms(t.Median), Ms(t.Min), Ms(t.Max),
                N(r.MedianRequests), N(minimum), N(r.MedianObjects),
                r.MaxPeakMb is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "",
                report.PeerRatio(r) is { } ratio ? ratio.ToString("0.0", CultureInfo.InvariantCulture) + "x" : "",
                r.FloorMedianMs is { } slow ? Ms(slow) : "",
                r.Floor is { } floor ? Ms(floor.Milliseconds) : "",
                r.FloorRatio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "",
                string.Join("; ", notes),
            });
        }
        WriteAligned(rows, output, rightAligned: new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 });
        if (report.Scaling.Count > 0)
        {
            output.WriteLine();
            PrintScaling(report, output);
        }
        output.WriteLine();
        foreach (var line in Legend(report)) output.WriteLine(line);

        output.WriteLine();
        output.WriteLine("Targets:");
        foreach (var c in targets)
        {
            output.WriteLine($"  {c.OutcomeText,-12} [issue {c.Issue}] {c.Target}: {c.Measured}");
        }
    }

    private static IEnumerable<string> Legend(BenchmarkReport report)
    {
        yield return $"Times are wall clock over {report.Options.Repetitions} repetition(s) at {report.Options.LatencyMs} ms injected latency per request " +
                     "(unless the title says otherwise); requests come from the sandbox's request log over each run's window.";
        yield return "min req: the pages of each list the workload must read at the module's page size (an empty list is one request).";
        yield return "peak MB: for SaTools, the benchmark process (the sandbox runs in it too); +N MB is the growth over the run's start. " +
                     "For kubectl, the largest single kubectl process (GNU time's maximum resident set).";
        yield return "Sampled kubectl loops (a, b) run a sample per repetition and are scaled up linearly to every namespace or ServiceAccount.";
        yield return "Workload 4's fresh scenario: " + Hosting.ScenarioRestore.Method + "; a census through the API then checks the writes needed.";
        yield return "vs peer: the peer's median over the workload's (workload 2: per ServiceAccount covered).";
        yield return $"at {report.Options.SlowLatencyMs} ms, floor, x floor (issue 18): a list workload's median at {report.Options.SlowLatencyMs} ms per request, against its network floor " +
                     "= the slowest kind's pages x that latency (lists of different kinds read at the same time, each list's pages one after another).";
        if (report.Scaling.Count > 0)
            yield return "Scaling: each scale against its own sandbox; CPU after lists = process CPU from the last list answer to the end; x prev = the figure over the previous scale's (the data doubles: at most 2.3x; a memory growth under 16 MB is within the run-to-run spread, so the target takes the ratio over 16 MB instead).";
    }

    /// <summary>Issue 18's scaling run: each list workload at each scale, with the growth from the previous scale.</summary>
    private static void PrintScaling(BenchmarkReport report, TextWriter output)
    {
        output.WriteLine($"Scaling run at {report.Options.LatencyMs} ms per request, {report.Options.Repetitions} repetition(s):");
        var rows = new List<string[]>
        {
            new[] { "workload", "scale", "pods", "median", "requests", "floor", "x floor", "CPU after lists", "growth MB", "time x prev", "memory x prev" },
        };
        var keys = report.Scaling.SelectMany(p => p.Results).Select(r => (r.Key, r.Title)).Distinct().ToList();
        foreach (var (key, title) in keys)
        {
            WorkloadResult? previous = null;
            foreach (var point in report.Scaling)
            {
                var r = point.Find(key);
                if (r is null) continue;
                var first = previous is null;
                rows.Add(new[]
                {
                    first ? title : "",
                    point.Fraction.ToString("0.##", CultureInfo.InvariantCulture) + "x",
                    N(point.Census.Count("pods")),
                    r.HasRuns ? Ms(r.Time.Median) + (r.Errors > 0 ? $" ({r.Errors} errors)" : "") : r.Skipped ?? "not run",
                    N(r.MedianRequests),
                    r.Floor is { } f ? Ms(f.Milliseconds) : "",
                    r.FloorRatio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "",
                    r.MedianOf(m => m.CpuAfterLastAnswerMs) is { } cpu ? Ms(cpu) : "",
                    r.MaxGrowthMb is { } g ? "+" + g.ToString("N0", CultureInfo.InvariantCulture) : "",
                    ScalingGrowth.Time(previous, r) is { } t ? t.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "",
                    ScalingGrowth.Memory(previous, r) is { } m ? m.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "",
                });
                previous = r;
            }
        }
        WriteAligned(rows, output, rightAligned: new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 });
    }

    private static void WriteAligned(List<string[]> rows, TextWriter output, int[] rightAligned)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            var cells = row.Select((cell, c) => c == row.Length - 1
                ? cell
                : rightAligned.Contains(c) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            output.WriteLine(string.Join("  ", cells).TrimEnd());
            if (index == 0) output.WriteLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        }
    }

    private static string N(long? n) => n is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "";

    private static string N(int? n) => n is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "";

    private static string Ms(double ms) => ms >= 10_000
        ? (ms / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : ms.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    private static string Truncate(string? s, int max) => s is null ? "" : s.Length <= max ? s : s[..max] + "...";
}
