using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaTools.Benchmarks.Reporting;

/// <summary>
/// bench-results.json: one entry per workload and peer with <c>name</c>, <c>median_ms</c>, <c>min_ms</c>,
/// <c>max_ms</c>, <c>requests</c>, <c>objects</c>, <c>peak_mb</c> and <c>peer_ratio</c> where a peer exists
/// (issue 7), plus the machine, the scale and the targets, so figures can be compared between versions.
/// </summary>
public static class JsonReport
{
    public static void Write(BenchmarkReport report, IReadOnlyList<TargetCheck> targets, string path)
    {
        var o = report.Options;
        var root = new JsonObject
        {
            ["generated_utc"] = report.Started.ToString("O"),
            ["quick"] = o.Quick,
            ["latency_ms"] = o.LatencyMs,
            ["slow_latency_ms"] = o.SlowLatencyMs,
            ["repetitions"] = o.Repetitions,
            ["machine"] = new JsonObject
            {
                ["cores"] = report.Machine.Cores,
                ["cpu"] = report.Machine.Cpu,
                ["memory_gb"] = report.Machine.MemoryGb,
                ["os"] = report.Machine.Os,
                ["dotnet"] = report.Machine.DotNet,
            },
            ["scale"] = Scale(report),
            ["workloads"] = new JsonArray(report.Results.Select(r => (JsonNode)Entry(report, r)).ToArray()),
            ["scaling"] = report.Scaling.Count == 0 ? null : Scaling(report),
            ["targets"] = new JsonArray(targets.Select(t => (JsonNode)new JsonObject
            {
                ["issue"] = t.Issue,
                ["target"] = t.Target,
                ["measured"] = t.Measured,
                ["result"] = t.OutcomeText,
            }).ToArray()),
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine);
    }

    /// <summary>Issue 18's scaling run: each scale with its workloads (the same entries as <c>workloads</c>) and
    /// each workload's growth over the previous scale.</summary>
    private static JsonArray Scaling(BenchmarkReport report)
    {
        var points = new JsonArray();
        ScalingPoint? previous = null;
        foreach (var point in report.Scaling)
        {
            var workloads = new JsonArray();
            foreach (var r in point.Results)
            {
                var e = Entry(report, r);
                var before = previous?.Find(r.Key);
                if (before is not null)
                {
                    e["time_x_previous_scale"] = ScalingGrowth.Time(before, r) is { } t ? Math.Round(t, 2) : null;
                    e["memory_x_previous_scale"] = ScalingGrowth.Memory(before, r) is { } m ? Math.Round(m, 2) : null;
                }
                workloads.Add(e);
            }
            points.Add(new JsonObject
            {
                ["fraction"] = point.Fraction,
                ["scale"] = Sizes(point.Scale, point.Fraction, point.Census),
                ["workloads"] = workloads,
            });
            previous = point;
        }
        return points;
    }

    private static JsonObject Scale(BenchmarkReport report) => Sizes(report.Scale, report.Fraction, report.Census);

    private static JsonObject Sizes(ScaleSpec s, double fraction, Measurement.ClusterCensus? census)
    {
        var scale = new JsonObject
        {
            ["fraction"] = fraction,
            ["namespaces"] = s.Namespaces,
            ["serviceaccounts"] = s.ServiceAccounts,
            ["pods"] = s.Pods,
            ["roles"] = s.Roles,
            ["rolebindings"] = s.RoleBindings,
            ["clusterroles"] = s.ClusterRoles,
            ["clusterrolebindings"] = s.ClusterRoleBindings,
            ["legacy_token_secrets"] = s.LegacySecrets,
        };
        if (census is not null)
        {
            // What the sandbox really served (the scenario adds its bootstrap objects to the sizes asked for).
            scale["served"] = new JsonObject(census.Counts.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }
        return scale;
    }

    private static JsonObject Entry(BenchmarkReport report, WorkloadResult r)
    {
        var e = new JsonObject { ["name"] = r.Key, ["title"] = r.Title, ["kind"] = r.IsPeer ? "peer" : "workload" };
        if (!r.HasRuns)
        {
            e["skipped"] = r.Skipped ?? "not run";
            return e;
        }
        var t = r.Time;
        e["median_ms"] = Math.Round(t.Median, 1);
        e["min_ms"] = Math.Round(t.Min, 1);
        e["max_ms"] = Math.Round(t.Max, 1);
        e["requests"] = r.MedianRequests;
        e["objects"] = r.MedianObjects;
        e["peak_mb"] = r.MaxPeakMb is { } p ? Math.Round(p, 1) : null;
        if (r.PeerKey is not null)
        {
            e["peer"] = r.PeerKey;
            e["peer_ratio"] = report.PeerRatio(r) is { } ratio ? Math.Round(ratio, 2) : null;
        }
        if (r.Runs.Select(x => x.MinimumRequests).FirstOrDefault(m => m is not null) is { } minimum) e["min_requests"] = minimum;
        if (r.MaxGrowthMb is { } growth) e["peak_growth_mb"] = Math.Round(growth, 1);
        if (r.MedianAfterLastAnswerMs is { } eval) e["after_last_answer_ms"] = Math.Round(eval, 1);
        if (r.Floor is { } floor)
        {
            // Issue 18: the workload at the slow latency against its network floor.
            e["network_floor"] = new JsonObject
            {
                ["latency_ms"] = floor.LatencyMs,
                ["slowest_list"] = floor.SlowestList,
                ["slowest_list_pages"] = floor.Pages,
                ["floor_ms"] = floor.Milliseconds,
                ["median_ms"] = r.FloorMedianMs is { } slow ? Math.Round(slow, 1) : null,
                ["ratio"] = r.FloorRatio is { } ratio ? Math.Round(ratio, 2) : null,
                ["runs_ms"] = new JsonArray(r.FloorRuns.Select(x => (JsonNode)Math.Round(x.Milliseconds, 1)).ToArray()),
            };
        }
        if (r.MedianOf(x => x.CpuAfterLastAnswerMs) is { } cpu) e["after_last_answer_cpu_ms"] = Math.Round(cpu, 1);
        if (r.MedianOf(x => x.CpuMs) is { } processCpu) e["process_cpu_ms"] = Math.Round(processCpu, 1);
        if (r.Runs.FirstOrDefault(x => x.WritesNeeded is not null) is { } w)
        {
            e["writes"] = w.Writes;
            e["writes_needed"] = w.WritesNeeded;
        }
        if (r.Runs.Any(x => x.RestoredBeforeRun is not null))
        {
            e["fresh_scenario"] = new JsonObject
            {
                ["method"] = Hosting.ScenarioRestore.Method,
                ["restored_before_each_run"] = new JsonArray(r.Runs.Select(x => (JsonNode?)x.RestoredBeforeRun).ToArray()),
            };
        }
        if (r.Runs.Any(x => x.Safety is not null))
        {
            e["safety_under_faults"] = new JsonArray(r.Runs.Where(x => x.Safety is not null).Select(x => (JsonNode)new JsonObject
            {
                ["holds"] = x.Safety!.Holds,
                ["faulted_requests"] = x.Safety.FaultedRequests,
                ["writes_applied"] = x.Safety.AppliedWrites,
                ["writes_needed"] = x.Safety.WritesNeeded,
                ["written_more_than_once"] = x.Safety.WrittenMoreThanOnce,
                ["resent_patches_changing_nothing"] = x.Safety.ResentPatches,
                ["defaults_not_false"] = x.Safety.DefaultsNotFalse,
                ["other_differences"] = x.Safety.OtherDifferences,
            }).ToArray());
        }
        if (r.MedianOf(x => x.DiscoveryRequests) is { } discovery) e["discovery_requests"] = (long)discovery;
        if (r.ScaledFrom is { } scaled) e["scaled_from"] = new JsonObject { ["sample"] = scaled.Sample, ["total"] = scaled.Total };
        if (r.Runs.LastOrDefault()?.Tally is { } tally)
        {
            e["requests_by_resource"] = new JsonObject(tally.ByResource.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }
        e["errors"] = r.Errors;
        if (r.FirstError is { } error) e["first_error"] = error;
        if (r.Note is { } note) e["note"] = note;
        e["runs_ms"] = new JsonArray(r.Runs.Select(x => (JsonNode)Math.Round(x.Milliseconds, 1)).ToArray());
        return e;
    }
}
