namespace SaTools.Engine.Audit;

/// <summary>
/// Compares this run's findings with an earlier run's (-Baseline) by <see cref="FindingKey"/>: a finding in both is
/// Unchanged, one only now is New, one only then is Resolved and comes back with the baseline's evidence. Rows
/// the baseline itself marked Resolved were not failing then and are ignored. A baseline finding of a check this
/// run did not evaluate, or outside the namespaces it looked at, is not Resolved: nobody looked.
/// </summary>
public static class BaselineComparer
{
    public const string ResolvedMarker = nameof(FindingChange.Resolved);

    public sealed record BaselineRow(AuditFinding Finding, string? Change);

    public static IReadOnlyList<(AuditFinding Finding, FindingChange Change)> Compare(
        IReadOnlyList<AuditFinding> current,
        IEnumerable<BaselineRow> baseline,
        IReadOnlySet<string> checksRun,
        Func<AuditFinding, bool> inScope)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(baseline);
        var before = new Dictionary<FindingKey, AuditFinding>();
        foreach (var row in baseline)
        {
            if (string.Equals(row.Change, ResolvedMarker, StringComparison.OrdinalIgnoreCase)) continue;
            before.TryAdd(row.Finding.Key, row.Finding);
        }

        var result = new List<(AuditFinding, FindingChange)>(current.Count);
        var seen = new HashSet<FindingKey>();
        foreach (var finding in current)
        {
            seen.Add(finding.Key);
            result.Add((finding, before.ContainsKey(finding.Key) ? FindingChange.Unchanged : FindingChange.New));
        }

        foreach (var (key, old) in before)
        {
            if (seen.Contains(key) || !checksRun.Contains(key.CheckId) || !inScope(old)) continue;
            result.Add((old, FindingChange.Resolved));
        }

        return result;
    }
}
