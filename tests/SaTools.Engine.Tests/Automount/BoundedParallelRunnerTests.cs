using SaTools.Engine.Automount;

namespace SaTools.Engine.Tests.Automount;

public class BoundedParallelRunnerTests
{
    private static async Task<List<string>> Collect(IAsyncEnumerable<string> results)
    {
        var list = new List<string>();
        await foreach (var r in results)
        {
            list.Add(r);
        }
        return list;
    }

    [Fact]
    public async Task NeverRunsMoreThanTheLimitAndRunsEachOnce()
    {
        var running = 0;
        var peak = 0;
        var calls = new System.Collections.Concurrent.ConcurrentBag<int>();
        var items = Enumerable.Range(0, 40).ToList();
        var results = await Collect(BoundedParallelRunner.RunAsync(items, 3, async (i, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            calls.Add(i);
            await Task.Delay(5);
            Interlocked.Decrement(ref running);
            return $"done {i}";
        }, (i, e) => $"failed {i}", i => $"skipped {i}", CancellationToken.None));
        Assert.Equal(40, results.Count);
        Assert.All(results, r => Assert.StartsWith("done", r));
        Assert.InRange(peak, 1, 3);
        Assert.Equal(items, calls.OrderBy(i => i));
    }

    [Fact]
    public async Task FailuresBecomeResultsAndTheRestGoOn()
    {
        var results = await Collect(BoundedParallelRunner.RunAsync(Enumerable.Range(0, 6).ToList(), 2, (i, _) =>
            i == 3 ? throw new InvalidOperationException("boom") : Task.FromResult($"done {i}"),
            (i, e) => $"failed {i} {e.Message}", i => $"skipped {i}", CancellationToken.None));
        Assert.Equal(6, results.Count);
        Assert.Contains("failed 3 boom", results);
    }

    [Fact]
    public async Task StoppingLetsInFlightWorkFinishAndSkipsTheRest()
    {
        using var stop = new CancellationTokenSource();
        var gate = new TaskCompletionSource();
        var started = 0;
        var tokensSeen = new System.Collections.Concurrent.ConcurrentBag<bool>();
        var run = Collect(BoundedParallelRunner.RunAsync(Enumerable.Range(0, 10).ToList(), 2, async (i, token) =>
        {
            Interlocked.Increment(ref started);
            tokensSeen.Add(token.CanBeCanceled);
            await gate.Task;
            return $"done {i}";
        }, (i, e) => $"failed {i}", i => $"skipped {i}", stop.Token));
        while (Volatile.Read(ref started) < 2)
        {
            await Task.Delay(1);
        }
        stop.Cancel();
        gate.SetResult();
        var results = await run;
        Assert.Equal(10, results.Count);
        Assert.Equal(2, results.Count(r => r.StartsWith("done")));
        Assert.Equal(8, results.Count(r => r.StartsWith("skipped")));
        Assert.Equal(2, started);
        Assert.All(tokensSeen, canBeCancelled => Assert.False(canBeCancelled));
    }

    [Fact]
    public async Task AlreadyStoppedStartsNothing()
    {
        var started = 0;
        var results = await Collect(BoundedParallelRunner.RunAsync(Enumerable.Range(0, 4).ToList(), 8, (i, _) =>
        {
            Interlocked.Increment(ref started);
            return Task.FromResult("done");
        }, (i, e) => "failed", i => "skipped", new CancellationToken(true)));
        Assert.Equal(0, started);
        Assert.Equal(4, results.Count(r => r == "skipped"));
    }

    [Fact]
    public void ThrottleBelowOneIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BoundedParallelRunner.RunAsync(new[] { 1 }, 0,
            (i, _) => Task.FromResult(i), (i, e) => i, i => i, CancellationToken.None));

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
