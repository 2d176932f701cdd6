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

        public Task<Pager.Page<Item>> Fetch(string? token, int limit, CancellationToken ct)
        {
            Calls++;
            events.Add($"fetch {token ?? "start"}");
            if (token is not null && Expire(token))
            {
                throw new KubeApiException(KubeErrorKind.Expired, "The provided continue parameter is too old") { StatusCode = 410 };
            }
            var offset = token is null ? 0 : int.Parse(token);
            var page = items.Skip(offset).Take(limit).ToList();
            var next = offset + limit < items.Count ? (offset + limit).ToString() : null;
            return Task.FromResult(new Pager.Page<Item>(page, next, next is null ? null : items.Count - offset - limit));
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
    public async Task FirstItemReachesTheConsumerBeforeTheSecondPageIsRequested()
    {
        var events = new List<string>();
        var list = new FakeList(Items(25), events);
        await foreach (var item in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, null, CancellationToken.None))
            events.Add("got " + item.Uid);
        Assert.Equal("fetch start", events[0]);
        Assert.Equal("got uid-0", events[1]);
        Assert.True(events.IndexOf("got uid-9") < events.IndexOf("fetch 10"));
        Assert.True(events.IndexOf("fetch 10") < events.IndexOf("got uid-10"));
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
    public async Task CancellationStopsBeforeTheNextPage()
    {
        var events = new List<string>();
        var list = new FakeList(Items(25), events);
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in Pager.ListAsync<Item>("things", list.Fetch, i => i.Uid, 10, null, cts.Token))
                if (item.Uid == "uid-3") cts.Cancel();
        });
        Assert.Equal(1, list.Calls);
    }
}
