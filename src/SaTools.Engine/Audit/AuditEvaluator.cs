namespace SaTools.Engine.Audit;

/// <summary>
/// Runs the chosen checks over a snapshot, offline, and keeps the findings that concern the namespaces asked
/// for. Per check: objects evaluated (in the whole snapshot) and findings, in a stable order.
/// </summary>
public static class AuditEvaluator
{
    /// <summary>
    /// The outcome of each check, in the catalog's order, each handed out as soon as it and every check before it
    /// are done: the checks run side by side, one per core, while the caller writes the findings already known.
    /// Nothing runs until the first outcome is asked for; stopping early (or <paramref name="cancellationToken"/>)
    /// starts no further check and waits for those running, so no check outlives the enumeration. A check's failure
    /// is thrown, as the check threw it, when its turn comes.
    /// </summary>
    /// <param name="snapshot">What was read.</param>
    /// <param name="checkIds">Check ids to run (case-insensitive); null or empty for all.</param>
    /// <param name="namespaceFilter">True for the namespaces to report on; null for all. Findings that concern
    /// every namespace (a ClusterRoleBinding to system:serviceaccounts) are always kept.</param>
    /// <param name="utcNow">Now, to age legacy tokens' last-used dates.</param>
    /// <param name="cancellationToken">Stops the wait for the next outcome (OperationCanceledException).</param>
    public static IEnumerable<CheckOutcome> Evaluate(
        AuditSnapshot snapshot, IReadOnlyCollection<string>? checkIds, Func<string, bool>? namespaceFilter, DateTime utcNow,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return InOrder(AuditCheckCatalog.ChosenChecks(checkIds), () => new AuditContext(snapshot, utcNow), namespaceFilter, cancellationToken);
    }

    /// <summary>Whether a finding concerns one of the namespaces the filter accepts (or every namespace).</summary>
    public static bool InScope(AuditFinding finding, Func<string, bool>? namespaceFilter) =>
        namespaceFilter is null || finding.ConcernsNamespace is null || namespaceFilter(finding.ConcernsNamespace);

    /// <summary><see cref="Evaluate"/> over the given checks and context (tests give their own).</summary>
    internal static IEnumerable<CheckOutcome> InOrder(
        IReadOnlyList<IAuditCheck> checks, Func<AuditContext?> prepare, Func<string, bool>? namespaceFilter, CancellationToken cancellationToken)
    {
        // Built on the caller's thread at the first outcome asked for; its pieces are built by the first check that
        // reads them (AuditContext), so the checks can start at once.
        var context = prepare();
        var outcomes = new TaskCompletionSource<CheckOutcome>[checks.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = new TaskCompletionSource<CheckOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1;
        void TakeChecksInTurn()
        {
            int i;
            while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < checks.Count)
            {
                try
                {
                    var outcome = checks[i].Evaluate(context!);
                    if (namespaceFilter is not null)
                    {
                        outcome = outcome with { Findings = outcome.Findings.Where(f => InScope(f, namespaceFilter)).ToList() };
                    }
                    outcomes[i].SetResult(outcome);
                }
                catch (Exception e)
                {
                    outcomes[i].SetException(e);
                }
            }
        }

        // One worker per core, each on a thread of its own, each taking the next check in the catalog's order, so the
        // first outcomes are done first and no more checks run than there are cores (the caller writes the findings
        // meanwhile). On the thread pool (Parallel.ForEach before), timed in the benchmark on two cores, the twelve
        // checks ran one after another on one thread in three runs of six and on up to seven threads at once in the
        // others, where SA02, which every later check's findings wait behind, took up to 150 ms against 30-80 ms
        // alone. CpuBoundWork says why long work stays off the pool.
        var workers = Enumerable.Range(0, Math.Clamp(Environment.ProcessorCount, 1, Math.Max(1, checks.Count)))
            .Select(_ => Task.Factory.StartNew(TakeChecksInTurn, CancellationToken.None,
                TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default))
            .ToArray();

        try
        {
            foreach (var outcome in outcomes)
            {
                yield return Await(outcome.Task, cancellationToken);
            }
        }
        finally
        {
            // The checks not started when the caller stopped are not wanted any more; those running are let finish.
            // A worker never throws: each check's failure is its outcome's.
            stop.Cancel();
            Task.WaitAll(workers);
        }
    }

    /// <summary>A check's outcome once it is done; its failure thrown as the check threw it. Once the caller has been
    /// cancelled no outcome is handed out, not even one that was done meanwhile (Task.Wait returns a task already
    /// done without looking at the token).</summary>
    private static CheckOutcome Await(Task<CheckOutcome> outcome, CancellationToken cancellationToken)
    {
        try
        {
            outcome.Wait(cancellationToken);
        }
        catch (AggregateException)
        {
            // Rethrown below as the check threw it.
        }
        cancellationToken.ThrowIfCancellationRequested();
        return outcome.GetAwaiter().GetResult();
    }
}
