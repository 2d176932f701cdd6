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
        var checks = AuditCheckCatalog.Checks.Where(c => wanted is null || wanted.Contains(c.Definition.CheckId)).ToList();
        var outcomes = new CheckOutcome[checks.Count];
        // The checks only read the prepared context, so they run side by side, each taken as a thread is free (the
        // pod checks, SA02, SA03 and SA05, make most of the findings); the outcomes keep the catalog's order.
        var oneAtATime = System.Collections.Concurrent.Partitioner.Create(Enumerable.Range(0, checks.Count), System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering);
        try
        {
            Parallel.ForEach(oneAtATime, i =>
            {
                var outcome = checks[i].Evaluate(context);
                if (namespaceFilter is not null)
                {
                    outcome = outcome with { Findings = outcome.Findings.Where(f => InScope(f, namespaceFilter)).ToList() };
                }
                outcomes[i] = outcome;
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return outcomes;
    }

    /// <summary>Whether a finding concerns one of the namespaces the filter accepts (or every namespace).</summary>
    public static bool InScope(AuditFinding finding, Func<string, bool>? namespaceFilter) =>
        namespaceFilter is null || finding.ConcernsNamespace is null || namespaceFilter(finding.ConcernsNamespace);
}
