using SaTools.Engine.Audit;

namespace SaTools.Engine.Tests.Audit;

/// <summary>The checks' outcomes come in the catalog's order, each as soon as it and the checks before it are done,
/// while later checks still run; a failure comes as the check threw it; nothing outlives the enumeration.</summary>
public sealed class AuditEvaluatorTests
{
    /// <summary>A check that waits for its gate (when it has one), then finds one thing or throws.</summary>
    private sealed class FakeCheck(string id, ManualResetEventSlim? gate = null, Exception? failure = null) : IAuditCheck
    {
        public AuditCheckDefinition Definition { get; } = new(id, id, AuditSeverity.Low, "Low", "test", "things");

        public volatile bool Started;
        public volatile bool Ended;
        public volatile bool OnPoolThread;

        public CheckOutcome Evaluate(AuditContext context)
        {
            OnPoolThread = Thread.CurrentThread.IsThreadPoolThread;
            Started = true;
            try
            {
                if (gate is not null && !gate.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("gate never opened");
                if (failure is not null) throw failure;
                return new CheckOutcome(Definition, 1, new[] { Definition.Finding("Thing", "ns", id, "sa", "message", "fix") });
            }
            finally
            {
                Ended = true;
            }
        }
    }

    private static IEnumerable<CheckOutcome> Run(IReadOnlyList<IAuditCheck> checks, CancellationToken cancellationToken = default) =>
        AuditEvaluator.InOrder(checks, () => null, null, cancellationToken);

    [Fact]
    public void AnOutcomeComesWhileALaterCheckStillRuns()
    {
        using var gate = new ManualResetEventSlim();
        var slow = new FakeCheck("SA02", gate);
        var checks = new IAuditCheck[] { new FakeCheck("SA01"), slow, new FakeCheck("SA03") };

        using var outcomes = Run(checks).GetEnumerator();
        Assert.True(outcomes.MoveNext());
        Assert.Equal("SA01", outcomes.Current.Check.CheckId);
        Assert.False(slow.Ended);

        gate.Set();
        var rest = new List<string>();
        while (outcomes.MoveNext()) rest.Add(outcomes.Current.Findings.Single().Name);
        Assert.Equal(new[] { "SA02", "SA03" }, rest);
    }

    [Fact]
    public void AFailureComesAsTheCheckThrewItInItsTurn()
    {
        var checks = new IAuditCheck[] { new FakeCheck("SA01"), new FakeCheck("SA02", failure: new InvalidOperationException("boom")), new FakeCheck("SA03") };

        using var outcomes = Run(checks).GetEnumerator();
        Assert.True(outcomes.MoveNext());
        Assert.Equal("SA01", outcomes.Current.Check.CheckId);
        var thrown = Assert.Throws<InvalidOperationException>(() => outcomes.MoveNext());
        Assert.Equal("boom", thrown.Message);
    }

    [Fact]
    public void StoppingEarlyWaitsForTheChecksRunning()
    {
        using var gate = new ManualResetEventSlim();
        var slow = new FakeCheck("SA02", gate);
        var checks = new IAuditCheck[] { new FakeCheck("SA01"), slow };

        foreach (var outcome in Run(checks))
        {
            Assert.Equal("SA01", outcome.Check.CheckId);
            SpinWait.SpinUntil(() => slow.Started, TimeSpan.FromSeconds(10));
            Assert.False(slow.Ended);
            _ = Task.Delay(200).ContinueWith(_ => gate.Set(), TaskScheduler.Default);
            break;
        }

        // The enumeration ended only once the check it had started was done.
        Assert.True(slow.Ended);
    }

    [Fact]
    public void CancellingStopsTheWaitForTheNextOutcome()
    {
        using var gate = new ManualResetEventSlim();
        using var cancel = new CancellationTokenSource();
        var checks = new IAuditCheck[] { new FakeCheck("SA01", gate) };

        using var outcomes = Run(checks, cancel.Token).GetEnumerator();
        cancel.CancelAfter(100);
        // The check running when Ctrl+C came is let finish (nothing outlives the enumeration), but its outcome is
        // not waited for.
        _ = Task.Delay(300).ContinueWith(_ => gate.Set(), TaskScheduler.Default);
        Assert.ThrowsAny<OperationCanceledException>(() => outcomes.MoveNext());
    }

    [Fact]
    public void NothingRunsUntilTheFirstOutcomeIsAskedFor()
    {
        var check = new FakeCheck("SA01");
        var outcomes = Run(new IAuditCheck[] { check });
        Thread.Sleep(50);
        Assert.False(check.Started);
        Assert.Single(outcomes);
        Assert.True(check.Started);
    }

    [Fact]
    public void ChecksRunOnThreadsOfTheirOwnOnePerCoreInTheCatalogsOrder()
    {
        // The lists' last I/O continuations need pool threads: a check holding one for tens of milliseconds would make
        // them wait, and a busy pool would make the checks wait. As many checks as cores run at once, the first first.
        using var gate = new ManualResetEventSlim();
        var checks = Enumerable.Range(1, Environment.ProcessorCount + 2).Select(i => new FakeCheck($"SA{i:D2}", gate)).ToList();

        using var outcomes = Run(checks).GetEnumerator();
        var first = Task.Run(outcomes.MoveNext);
        Assert.True(SpinWait.SpinUntil(() => checks.Count(c => c.Started) == Environment.ProcessorCount, TimeSpan.FromSeconds(10)));
        Thread.Sleep(100);
        Assert.Equal(Enumerable.Repeat(true, Environment.ProcessorCount).Concat([false, false]), checks.Select(c => c.Started));

        gate.Set();
        Assert.True(first.Result);
        while (outcomes.MoveNext())
        {
        }
        Assert.All(checks, c => Assert.False(c.OnPoolThread));
    }
}
