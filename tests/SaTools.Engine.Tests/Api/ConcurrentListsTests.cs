using SaTools.Engine.Api;

namespace SaTools.Engine.Tests.Api;

public sealed class ConcurrentListsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private sealed record Item(string Uid);

    /// <summary>A list endpoint whose every request waits on a gate: how many are in flight can be watched.</summary>
    private sealed class GatedList(string name, int pages, Gate gate)
    {
        public int Calls;

        public async Task<Pager.Page<Item>> Fetch(string? token, int limit, CancellationToken ct)
        {
            Interlocked.Increment(ref Calls);
            await gate.PassAsync(ct);
            var page = token is null ? 0 : int.Parse(token);
            var next = page + 1 < pages ? (page + 1).ToString() : null;
            return new Pager.Page<Item>([new Item($"{name}-{page}")], next, null);
        }

        public IAsyncEnumerable<Item> List(CancellationToken ct) =>
            Pager.ListAsync<Item>(name, Fetch, i => i.Uid, 1, null, ct);
    }

    /// <summary>Counts requests in flight and lets them through once <see cref="Open"/> is called.</summary>
    private sealed class Gate
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        public int MaxInFlight;
        public readonly SemaphoreSlim Arrived = new(0);

        public async Task PassAsync(CancellationToken ct)
        {
            var now = Interlocked.Increment(ref _inFlight);
            lock (this) MaxInFlight = Math.Max(MaxInFlight, now);
            Arrived.Release();
            try
            {
                await _open.Task.WaitAsync(ct);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        public void Open() => _open.TrySetResult();
    }

    [Fact]
    public async Task ListsOfDifferentKindsAreOnTheWireAtTheSameTime()
    {
        var gate = new Gate();
        var a = new GatedList("pods", 3, gate);
        var b = new GatedList("serviceaccounts", 2, gate);
        var c = new GatedList("roles", 1, gate);
        await using var lists = new ConcurrentLists(new SemaphoreSlim(6, 6), CancellationToken.None);
        var pods = lists.Read(a.List, i => i.Uid);
        var sas = lists.Read(b.List, i => i.Uid);
        var roles = lists.Read(c.List, i => i.Uid);
        // All three first pages are asked for before any is answered: a sequential reader would wait forever here.
        for (var i = 0; i < 3; i++) Assert.True(await gate.Arrived.WaitAsync(Patience));
        gate.Open();
        await lists.WhenAllAsync();
        Assert.Equal(["pods-0", "pods-1", "pods-2"], pods.Result);
        Assert.Equal(["serviceaccounts-0", "serviceaccounts-1"], sas.Result);
        Assert.Equal(["roles-0"], roles.Result);
        // Each list sent its pages and no more.
        Assert.Equal((3, 2, 1), (a.Calls, b.Calls, c.Calls));
    }

    [Fact]
    public async Task NoMoreListsThanTheBoundAreReadAtOnce()
    {
        var gate = new Gate();
        var slots = new SemaphoreSlim(2, 2);
        var all = Enumerable.Range(0, 5).Select(i => new GatedList("kind" + i, 2, gate)).ToList();
        await using var lists = new ConcurrentLists(slots, CancellationToken.None);
        var reads = all.Select(l => lists.Read(l.List, i => i.Uid)).ToList();
        Assert.True(await gate.Arrived.WaitAsync(Patience));
        Assert.True(await gate.Arrived.WaitAsync(Patience));
        // A third request would be a third list in flight: give it time to show up if the bound leaked.
        Assert.False(await gate.Arrived.WaitAsync(TimeSpan.FromMilliseconds(200)));
        gate.Open();
        await lists.WhenAllAsync();
        Assert.Equal(2, gate.MaxInFlight);
        Assert.All(reads, r => Assert.Equal(2, r.Result.Count));
        Assert.Equal(2, slots.CurrentCount);
    }

    /// <summary>Holds what is posted to it until told to run it, newest first: the thread pool's order is not
    /// something a caller can count on.</summary>
    private sealed class HeldPosts : SynchronizationContext
    {
        private readonly List<(SendOrPostCallback Callback, object? State)> _posts = new();

        public override void Post(SendOrPostCallback d, object? state)
        {
            lock (_posts) _posts.Add((d, state));
        }

        public void RunNewestFirst()
        {
            List<(SendOrPostCallback Callback, object? State)> posts;
            lock (_posts) posts = _posts.AsEnumerable().Reverse().ToList();
            foreach (var (callback, state) in posts) callback(state);
        }
    }

    [Fact]
    public async Task ListsGetTheirSlotsInTheOrderTheyWereStartedAcrossSets()
    {
        // One slot, which two sets share as the audit's and the RBAC reader's share a connection's: the first list
        // started holds its place in line from the moment it is started, however the reads are then scheduled, so
        // a long list started first is never queued behind shorter ones.
        var slots = new SemaphoreSlim(1, 1);
        var order = new List<string>();
        var podsAnswer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IAsyncEnumerable<Item> Recorded(string name, CancellationToken t) =>
            Pager.ListAsync<Item>(name, async (tok, limit, c) =>
            {
                lock (order) order.Add(name);
                if (name == "pods") await podsAnswer.Task;
                return new Pager.Page<Item>([new Item(name)], null, null);
            }, i => i.Uid, 1, null, t);
        await using var audit = new ConcurrentLists(slots, CancellationToken.None);
        await using var rbac = new ConcurrentLists(slots, CancellationToken.None);
        var names = Enumerable.Range(0, 12).Select(i => "kind" + i).ToList();

        var held = new HeldPosts();
        var caller = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(held);
        try
        {
            _ = audit.Read(t => Recorded("pods", t), i => i.Uid);
            foreach (var (name, i) in names.Select((n, i) => (n, i)))
            {
                _ = (i % 2 == 0 ? rbac : audit).Read(t => Recorded(name, t), x => x.Uid);
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(caller);
        }
        var freeBeforeAnyReadRan = slots.CurrentCount;
        held.RunNewestFirst();
        podsAnswer.SetResult();
        await Task.WhenAll(rbac.WhenAllAsync(), audit.WhenAllAsync());
        // Taken by the pods list as it was started, before any read ran.
        Assert.Equal(0, freeBeforeAnyReadRan);
        Assert.Equal(["pods", .. names], order);
        Assert.Equal(1, slots.CurrentCount);
    }

    [Fact]
    public async Task AFailureStopsTheOtherListsAndIsTheErrorThrown()
    {
        var gate = new Gate();
        var slow = new GatedList("pods", 100, gate);
        CancellationToken slowToken = default;
        await using var lists = new ConcurrentLists(new SemaphoreSlim(6, 6), CancellationToken.None);
        var pods = lists.Read(t => { slowToken = t; return slow.List(t); }, i => i.Uid);
        Assert.True(await gate.Arrived.WaitAsync(Patience));
        var refused = lists.Read<Item, string>(_ => Fail(new KubeApiException(KubeErrorKind.Forbidden, "no list on roles") { StatusCode = 403 }), i => i.Uid);
        var e = await Assert.ThrowsAsync<KubeApiException>(lists.WhenAllAsync);
        Assert.Equal(KubeErrorKind.Forbidden, e.Kind);
        Assert.True(slowToken.IsCancellationRequested);
        Assert.True(pods.IsCanceled || pods.IsFaulted);
        Assert.Equal(1, slow.Calls);
    }

    [Fact]
    public async Task TheEarliestStartedFailureWinsWhateverFinishedFirst()
    {
        var late = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var lists = new ConcurrentLists(new SemaphoreSlim(6, 6), CancellationToken.None);
        // The first read fails after the second has failed, and not because the second cancelled it.
        _ = lists.Start<int>(async _ => { await late.Task; throw new KubeApiException(KubeErrorKind.Forbidden, "first"); });
        var second = lists.Start<int>(async _ => { await Task.Yield(); throw new KubeApiException(KubeErrorKind.Unavailable, "second"); });
        _ = second.ContinueWith(_ => late.SetResult(), TaskScheduler.Default);
        var e = await Assert.ThrowsAsync<KubeApiException>(lists.WhenAllAsync);
        Assert.Equal("first", e.Message);
    }

    [Fact]
    public async Task AReadStartedWhileOthersRunIsWaitedFor()
    {
        var gate = new Gate();
        var owners = new GatedList("replicasets", 2, gate);
        Task<List<string>>? ownersRead = null;
        await using var lists = new ConcurrentLists(new SemaphoreSlim(6, 6), CancellationToken.None);
        var pods = lists.Read(t => Pager.ListAsync<Item>("pods", (tok, l, c) => Task.FromResult(new Pager.Page<Item>([new Item("p")], null, null)), i => i.Uid, 1, null, t), i =>
        {
            ownersRead ??= lists.Read(owners.List, o => o.Uid);
            return i.Uid;
        });
        var waited = lists.WhenAllAsync();
        Assert.True(await gate.Arrived.WaitAsync(Patience));
        Assert.False(waited.IsCompleted);
        gate.Open();
        await waited;
        Assert.Equal(["replicasets-0", "replicasets-1"], ownersRead!.Result);
        Assert.Equal(["p"], pods.Result);
    }

    [Fact]
    public async Task CancellingTheCallerStopsEveryListAndThrowsCancellation()
    {
        var gate = new Gate();
        using var cts = new CancellationTokenSource();
        await using var lists = new ConcurrentLists(new SemaphoreSlim(6, 6), cts.Token);
        _ = lists.Read(new GatedList("pods", 5, gate).List, i => i.Uid);
        _ = lists.Read(new GatedList("serviceaccounts", 5, gate).List, i => i.Uid);
        Assert.True(await gate.Arrived.WaitAsync(Patience));
        Assert.True(await gate.Arrived.WaitAsync(Patience));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(lists.WhenAllAsync);
    }

    [Fact]
    public async Task ProjectionKeepsOnlyWhatTheCallerWantsAndDropsNulls()
    {
        await using var lists = new ConcurrentLists(new SemaphoreSlim(6, 6), CancellationToken.None);
        var items = Enumerable.Range(0, 7).Select(i => new Item("uid-" + i)).ToList();
        var kept = lists.Read(
            t => Pager.ListAsync<Item>("things", (tok, limit, c) =>
            {
                var offset = tok is null ? 0 : int.Parse(tok);
                var next = offset + limit < items.Count ? (offset + limit).ToString() : null;
                return Task.FromResult(new Pager.Page<Item>(items.Skip(offset).Take(limit).ToList(), next, null));
            }, i => i.Uid, 3, null, t),
            i => i.Uid.EndsWith('1') || i.Uid.EndsWith('5') ? null : i.Uid.ToUpperInvariant());
        await lists.WhenAllAsync();
        Assert.Equal(["UID-0", "UID-2", "UID-3", "UID-4", "UID-6"], kept.Result);
    }

    private static async IAsyncEnumerable<Item> Fail(Exception e)
    {
        await Task.Yield();
        throw e;
#pragma warning disable CS0162 // an iterator needs a yield
        yield break;
#pragma warning restore CS0162
    }
}
