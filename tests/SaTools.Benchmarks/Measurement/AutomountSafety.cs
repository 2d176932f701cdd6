using System.Text.Json.Nodes;
using SaTools.Benchmarks.Hosting;

namespace SaTools.Benchmarks.Measurement;

/// <summary>
/// Issue 6's safety under faults, from a before/after dump of every ServiceAccount, the writes the store persisted
/// and the run's request log: every default ServiceAccount ends at false, each one that needed the change was
/// written exactly once and no other ServiceAccount was written, and nothing else differs (resourceVersion and
/// managedFields aside, which every write moves). PATCHes resent after a lost answer (a reset connection takes
/// the answers of the requests it carried) change nothing and persist nothing: they are counted apart.
/// </summary>
public sealed record AutomountSafety(
    int DefaultsNotFalse,
    int OtherDifferences,
    int AppliedWrites,
    int WritesNeeded,
    int WrittenMoreThanOnce,
    int FaultedRequests,
    int ResentPatches,
    string? FirstProblem)
{
    public bool Holds => DefaultsNotFalse == 0 && OtherDifferences == 0 && AppliedWrites == WritesNeeded && WrittenMoreThanOnce == 0;

    public static AutomountSafety Check(
        IReadOnlyDictionary<string, JsonObject> before, IReadOnlyDictionary<string, JsonObject> after,
        IReadOnlyList<string> persistedWrites, IReadOnlyList<ObservedRequest> requests)
    {
        var problems = new List<string>();
        var needing = before.Where(kv => IsDefault(kv.Key) && Automount(kv.Value) != false).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
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

        var writes = persistedWrites.GroupBy(k => k, StringComparer.Ordinal).ToList();
        var twice = writes.Where(g => g.Count() > 1).ToList();
        problems.AddRange(twice.Select(g => $"{g.Key} written {g.Count()} times"));
        var unneeded = writes.Where(g => !needing.Contains(g.Key)).ToList();
        problems.AddRange(unneeded.Select(g => $"{g.Key} written though it did not need the change"));
        var answeredPatches = requests.Count(r => r.Method.Equals("PATCH", StringComparison.OrdinalIgnoreCase) && r.Status is >= 200 and < 300);
        var faulted = requests.Count(r => r.Fault is { } f && f.Split(',').Any(k => k != "latency"));
        return new AutomountSafety(notFalse.Count, other + unneeded.Count, writes.Count(g => needing.Contains(g.Key)), needing.Count, twice.Count,
            faulted, answeredPatches - persistedWrites.Count, problems.FirstOrDefault());
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
