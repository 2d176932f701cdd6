using SaTools.Engine.Api;

namespace SaTools.Engine.Tests.Api;

public sealed class PagerTests
{
    private sealed record Item(string Uid);

    /// <summary>A fake list endpoint: pages of <paramref name="pageSize"/> over <paramref name="items"/>, with a
    /// continue token that is the next offset, and an event log shared with the consumer.</summary>
    private sealed class FakeList(IReadOnlyList<Item> items, List<string> events)
    {
        public int Calls { get; private set; }
        public Func<string?, bool> Expire { get; set; } = _ => false;

        /// <summary>False: answer as a real API server answers a list with a label or field selector, with a
        /// continue token but no remainingItemCount on any page (etcd3 store.go GetList sets the count only when
        /// the predicate is empty).</summary>
        public bool CountsRemaining { get; init; } = true;

        public Task<Pager.Page<Item>> Fetch(string? token, int limit, CancellationToken ct)
        {
            Calls++;
            lock (events) events.Add($"fetch {token ?? "start"}");
            if (token is not null && Expire(token))
            {
                throw new KubeApiException(KubeErrorKind.Expired, "The provided continue parameter is too old") { StatusCode = 410 };
            }
            var offset = token is null ? 0 : int.Parse(token);
            var page = items.Skip(offset).Take(limit).ToList();
            var next = offset + limit < items.Count ? (offset + limit).ToString() : null;
            return Task.FromResult(new Pager.Page<Item>(page, next, next is null || !CountsRemaining ? null : items.Count - offset - limit));
        }
    }

    private static List<Item> Items(int n) => Enumerable.Range(0, n).Select(i => new Item("uid-" + i)).ToList();

    [Fact]
    public async Task YieldsEveryItemWithTheMinimumNumberOfRequests()
    {
        var events = new List<string>();
        var list = new FakeList(Items(25), events);
        var seen = new List<string>();
        await foreach (var item in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, null, CancellationToken.None))
            seen.Add(item.Uid);
        Assert.Equal(Items(25).Select(i => i.Uid), seen);
        Assert.Equal(3, list.Calls);
    }

    [Fact]
    public async Task FirstItemReachesTheConsumerBeforeTheSecondPageArrives()
    {
        var events = new List<string>();
        var list = new FakeList(Items(25), events);
        await foreach (var item in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, null, CancellationToken.None))
            lock (events) events.Add("got " + item.Uid);
        Assert.Equal("fetch start", events[0]);
        Assert.True(events.IndexOf("got uid-0") < events.IndexOf("got uid-10"));
        Assert.Equal(3, list.Calls);
    }

    [Fact]
    public async Task TheNextPageIsOnTheWireWhileTheConsumerWorksThroughThisOne()
    {
        // Page 2 is answered only once asked for; the consumer waits on page 1's first item until that request
        // is out: a pager that asked for the next page only after the last item of this one would hang here.
        var secondAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new List<string?>();
        Task<Pager.Page<Item>> Fetch(string? token, int limit, CancellationToken ct)
        {
            lock (calls) calls.Add(token);
            if (token is null) return Task.FromResult(new Pager.Page<Item>(Items(10), "10", null));
            secondAsked.TrySetResult();
            return Task.FromResult(new Pager.Page<Item>([new Item("uid-10")], null, null));
        }
        var seen = new List<string>();
        await foreach (var item in Pager.ListAsync<Item>("things", Fetch, i => i.Uid, 10, null, CancellationToken.None))
        {
            if (item.Uid == "uid-0") await secondAsked.Task.WaitAsync(TimeSpan.FromSeconds(10));
            seen.Add(item.Uid);
        }
        Assert.Equal(11, seen.Count);
        Assert.Equal([null, "10"], calls);
    }

    [Fact]
    public async Task AListWithoutRemainingItemCountIsReadToItsEndOverSeveralPages()
    {
        // What a label or field selector list looks like from a real API server: continue tokens, no count.
        var list = new FakeList(Items(25), new List<string>()) { CountsRemaining = false };
        var progress = new List<ListProgress>();
        var seen = new List<string>();
        await foreach (var item in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, progress.Add, CancellationToken.None))
            seen.Add(item.Uid);
        Assert.Equal(Items(25).Select(i => i.Uid), seen);
        Assert.Equal(3, list.Calls);
        Assert.All(progress, p => Assert.Null(p.RemainingItemCount));
    }

    [Fact]
    public async Task AnEmptyPageWithAContinueTokenDoesNotEndTheList()
    {
        // A selector can match nothing in a whole page's worth of objects; the server still says there is more.
        var pages = new Dictionary<string, Pager.Page<Item>>
        {
            ["start"] = new([new Item("a")], "p2", null),
            ["p2"] = new([], "p3", null),
            ["p3"] = new([new Item("b")], null, null),
        };
        Task<Pager.Page<Item>> Fetch(string? token, int limit, CancellationToken ct) => Task.FromResult(pages[token ?? "start"]);
        var seen = new List<string>();
        await foreach (var item in Pager.ListAsync<Item>("things", Fetch, i => i.Uid, 10, null, CancellationToken.None))
            seen.Add(item.Uid);
        Assert.Equal(["a", "b"], seen);
    }

    [Fact]
    public async Task StoppingEarlyCancelsThePageReadAheadAndAsksForNoOther()
    {
        var tokens = new List<CancellationToken>();
        var calls = 0;
        async Task<Pager.Page<Item>> Fetch(string? token, int limit, CancellationToken ct)
        {
            calls++;
            if (token is null) return new Pager.Page<Item>(Items(10), "10", null);
            tokens.Add(ct);
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("not reached");
        }
        await foreach (var item in Pager.ListAsync<Item>("things", Fetch, i => i.Uid, 10, null, CancellationToken.None))
            if (item.Uid == "uid-2") break;
        Assert.Equal(2, calls);
        Assert.True(Assert.Single(tokens).IsCancellationRequested);
    }

    [Fact]
    public async Task AnExpiredTokenOnThePageReadAheadRestartsTheList()
    {
        var events = new List<string>();
        var list = new FakeList(Items(25), events) { CountsRemaining = false };
        var expiredOnce = false;
        list.Expire = token => token == "10" && !expiredOnce && (expiredOnce = true);
        var seen = new List<string>();
        await foreach (var item in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, null, CancellationToken.None))
            seen.Add(item.Uid);
        Assert.Equal(Items(25).Select(i => i.Uid), seen);
        Assert.Equal(2, events.Count(e => e == "fetch start"));
    }

    [Fact]
    public async Task ExpiredContinueTokenRestartsTheListWithoutRepeatingItems()
    {
        var events = new List<string>();
        var list = new FakeList(Items(25), events);
        var expiredOnce = false;
        list.Expire = token => token == "20" && !expiredOnce && (expiredOnce = true);
        var seen = new List<string>();
        await foreach (var item in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, null, CancellationToken.None))
            seen.Add(item.Uid);
        Assert.Equal(Items(25).Select(i => i.Uid), seen);
        Assert.Contains("fetch 20", events);
        Assert.Equal(2, events.Count(e => e == "fetch start"));
    }

    [Fact]
    public async Task ExpiredTokenThatNeverRecoversEventuallyFails()
    {
        var list = new FakeList(Items(25), new List<string>()) { Expire = token => token == "10" };
        var e = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var _ in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, null, CancellationToken.None)) { }
        });
        Assert.Equal(KubeErrorKind.Expired, e.Kind);
    }

    [Fact]
    public async Task ReportsProgressPerPage()
    {
        var list = new FakeList(Items(25), new List<string>());
        var progress = new List<ListProgress>();
        await foreach (var _ in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, progress.Add, CancellationToken.None)) { }
        Assert.Equal(new long[] { 10, 20, 25 }, progress.Select(p => p.ItemsSoFar));
        Assert.Equal(15, progress[0].RemainingItemCount);
        Assert.All(progress, p => Assert.Equal("things", p.Resource));
    }

    [Fact]
    public async Task ProgressAfterARestartDoesNotCountRepeatedItems()
    {
        var list = new FakeList(Items(25), new List<string>());
        var expiredOnce = false;
        list.Expire = token => token == "20" && !expiredOnce && (expiredOnce = true);
        var progress = new List<ListProgress>();
        await foreach (var _ in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, progress.Add, CancellationToken.None)) { }
        Assert.Equal(new long[] { 10, 20, 20, 20, 25 }, progress.Select(p => p.ItemsSoFar));
        Assert.Equal(5, progress[^1].Page);
    }

    [Fact]
    public async Task CancellationStopsThePagingAtOnce()
    {
        var events = new List<string>();
        var list = new FakeList(Items(45), events);
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, null, cts.Token))
                if (item.Uid == "uid-3") cts.Cancel();
        });
        // The first page and the one read ahead while it was consumed; nothing after the cancellation.
        Assert.Equal(2, list.Calls);
    }
}
