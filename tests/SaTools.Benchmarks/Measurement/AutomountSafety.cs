using System.Text.Json.Nodes;
using SaTools.Benchmarks.Hosting;

namespace SaTools.Benchmarks.Measurement;

/// <summary>
/// Issue 6's safety under faults, from a before/after dump of every ServiceAccount and the run's request log:
/// every default ServiceAccount ends at false, each one that needed the change was written exactly once (a PATCH
/// the server carried out: answered 2xx; a faulted attempt is answered 429/500 or cut off before it is applied),
/// and nothing else differs (resourceVersion and managedFields aside, which every write moves).
/// </summary>
public sealed record AutomountSafety(
    int DefaultsNotFalse,
    int OtherDifferences,
    int AppliedWrites,
    int WritesNeeded,
    int WrittenMoreThanOnce,
    int FaultedRequests,
    string? FirstProblem)
{
    public bool Holds => DefaultsNotFalse == 0 && OtherDifferences == 0 && AppliedWrites == WritesNeeded && WrittenMoreThanOnce == 0;

    public static AutomountSafety Check(
        IReadOnlyDictionary<string, JsonObject> before, IReadOnlyDictionary<string, JsonObject> after, IReadOnlyList<ObservedRequest> requests)
    {
        var problems = new List<string>();
        var needed = before.Count(kv => IsDefault(kv.Key) && Automount(kv.Value) != false);
        var notFalse = after.Where(kv => IsDefault(kv.Key) && Automount(kv.Value) != false).Select(kv => kv.Key).ToList();
        problems.AddRange(notFalse.Select(k => $"{k} is not false"));

        var other = 0;
        foreach (var key in before.Keys.Union(after.Keys))
        {
            if (!before.TryGetValue(key, out var b) || !after.TryGetValue(key, out var a))
            {
                other++;
                problems.Add($"{key} appeared or disappeared");
                continue;
            }
            if (!JsonNode.DeepEquals(Comparable(key, b), Comparable(key, a)))
            {
                other++;
                problems.Add($"{key} changed beyond its automount field");
            }
        }

        var applied = requests
            .Where(r => r.Method.Equals("PATCH", StringComparison.OrdinalIgnoreCase) && r.Status is >= 200 and < 300)
            .GroupBy(r => r.Path)
            .ToList();
        var twice = applied.Where(g => g.Count() > 1).ToList();
        problems.AddRange(twice.Select(g => $"{g.Key} written {g.Count()} times"));
        var faulted = requests.Count(r => r.Fault is { } f && f.Split(',').Any(k => k != "latency"));
        return new AutomountSafety(notFalse.Count, other, applied.Sum(g => g.Count()), needed, twice.Count, faulted, problems.FirstOrDefault());
    }

    private static bool IsDefault(string key) => key.EndsWith("/default", StringComparison.Ordinal);

    private static bool? Automount(JsonObject sa) =>
        sa["automountServiceAccountToken"] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static JsonObject Comparable(string key, JsonObject sa)
    {
        var copy = sa.DeepClone().AsObject();
        var meta = copy["metadata"]!.AsObject();
        meta.Remove("resourceVersion");
        meta.Remove("managedFields");
        if (IsDefault(key)) copy.Remove("automountServiceAccountToken");
        return copy;
    }
}
