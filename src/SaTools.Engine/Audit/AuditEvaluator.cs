namespace SaTools.Engine.Audit;

/// <summary>
/// Runs the chosen checks over a snapshot, offline, and keeps the findings that concern the namespaces asked
/// for. Per check: objects evaluated (in the whole snapshot) and findings, in a stable order.
/// </summary>
public static class AuditEvaluator
{
    /// <param name="snapshot">What was read.</param>
    /// <param name="checkIds">Check ids to run (case-insensitive); null or empty for all.</param>
    /// <param name="namespaceFilter">True for the namespaces to report on; null for all. Findings that concern
    /// every namespace (a ClusterRoleBinding to system:serviceaccounts) are always kept.</param>
    /// <param name="utcNow">Now, to age legacy tokens' last-used dates.</param>
    public static IReadOnlyList<CheckOutcome> Evaluate(
        AuditSnapshot snapshot, IReadOnlyCollection<string>? checkIds, Func<string, bool>? namespaceFilter, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var wanted = checkIds is { Count: > 0 } ? new HashSet<string>(checkIds, StringComparer.OrdinalIgnoreCase) : null;
        var context = new AuditContext(snapshot, utcNow);
        var outcomes = new List<CheckOutcome>();
        foreach (var check in AuditCheckCatalog.Checks)
        {
            if (wanted is not null && !wanted.Contains(check.Definition.CheckId)) continue;
            var outcome = check.Evaluate(context);
            if (namespaceFilter is not null)
            {
                outcome = outcome with { Findings = outcome.Findings.Where(f => InScope(f, namespaceFilter)).ToList() };
            }
            outcomes.Add(outcome);
        }
        return outcomes;
    }

    /// <summary>Whether a finding concerns one of the namespaces the filter accepts (or every namespace).</summary>
    public static bool InScope(AuditFinding finding, Func<string, bool>? namespaceFilter) =>
        namespaceFilter is null || finding.ConcernsNamespace is null || namespaceFilter(finding.ConcernsNamespace);
}
