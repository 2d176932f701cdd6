using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Hosting;
using KubeSandbox.Storage;

namespace KubeSandbox.Http;

/// <summary>
/// limit/continue paging over a consistent snapshot, as the etcd3 store pages (k8s.io/apiserver
/// pkg/storage/etcd3/store.go GetList): the first page fixes the list's resourceVersion; later pages read the
/// same snapshot; a continue token older than the compaction window is 410 Expired with a new token that
/// continues inconsistently at the latest revision (handleCompactedErrorForPaging); remainingItemCount is
/// given when the list has no selector (pred.Empty()).
/// </summary>
public sealed class ListPager
{
    private sealed record Snapshot(long Revision, DateTimeOffset Taken, IReadOnlyList<StoredObject> Items);

    private readonly ConcurrentDictionary<long, Snapshot> _snapshots = new();
    private readonly SandboxClock _clock;
    private readonly TimeSpan _lifetime;
    private long _nextId;

    // k8s.io/apiserver pkg/storage/etcd3/store.go
    public const string InconsistentContinue = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

    public ListPager(SandboxClock clock, TimeSpan lifetime)
    {
        _clock = clock;
        _lifetime = lifetime;
    }

    public sealed record Page(long Revision, IReadOnlyList<StoredObject> Items, string? Continue, long? RemainingItemCount);

    /// <param name="take">Takes a fresh filtered snapshot: (revision, items in key order).</param>
    public Page GetPage(Func<(long Revision, IReadOnlyList<StoredObject> Items)> take, int limit, string? continueToken, bool hasSelector)
    {
        Sweep();
        Snapshot snap;
        long id;
        int offset;
        if (!string.IsNullOrEmpty(continueToken))
        {
            var token = Decode(continueToken);
            if (token.Rv == -1)
            {
                // The inconsistent continuation: from the last key, at the latest revision.
                var (rev, items) = take();
                snap = new Snapshot(rev, _clock.UtcNow, items);
                id = Interlocked.Increment(ref _nextId);
                _snapshots[id] = snap;
                offset = 0;
                while (offset < items.Count && string.CompareOrdinal(items[offset].Key, token.Start) <= 0) offset++;
            }
            else if (!_snapshots.TryGetValue(token.Id, out snap!) || snap.Revision != token.Rv || Expired(snap))
            {
                _snapshots.TryRemove(token.Id, out _);
                var e = StatusErrors.Gone(InconsistentContinue);
                e.Data["continue"] = Encode(new Token(-1, token.Start, 0, 0));
                throw e;
            }
            else
            {
                id = token.Id;
                offset = token.Offset;
            }
        }
        else
        {
            var (rev, items) = take();
            if (limit <= 0 || items.Count <= limit)
                return new Page(rev, items, null, null);
            snap = new Snapshot(rev, _clock.UtcNow, items);
            id = Interlocked.Increment(ref _nextId);
            _snapshots[id] = snap;
            offset = 0;
        }
        var count = limit <= 0 ? snap.Items.Count - offset : Math.Min(limit, snap.Items.Count - offset);
        var page = new StoredObject[Math.Max(0, count)];
        for (var i = 0; i < page.Length; i++) page[i] = snap.Items[offset + i];
        var next = offset + page.Length;
        if (next >= snap.Items.Count)
        {
            _snapshots.TryRemove(id, out _);
            return new Page(snap.Revision, page, null, null);
        }
        var cont = Encode(new Token(snap.Revision, page[^1].Key + "\0", id, next));
        return new Page(snap.Revision, page, cont, hasSelector ? null : snap.Items.Count - next);
    }

    private bool Expired(Snapshot s) => _clock.UtcNow - s.Taken > _lifetime;

    private void Sweep()
    {
        if (_snapshots.Count < 64) return;
        foreach (var (k, v) in _snapshots)
            if (Expired(v)) _snapshots.TryRemove(k, out _);
    }

    private sealed record Token(long Rv, string Start, long Id, int Offset);

    // The real token is base64(JSON {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}); the sandbox adds where
    // its snapshot is. Clients treat it as opaque.
    private static string Encode(Token t)
    {
        var o = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = t.Rv, ["start"] = t.Start, ["snapshot"] = t.Id, ["offset"] = t.Offset };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(o.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static Token Decode(string s)
    {
        try
        {
            var b64 = s.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var o = JsonNode.Parse(Convert.FromBase64String(b64))!.AsObject();
            if (o["v"]?.GetValue<string>() != "meta.k8s.io/v1") throw new FormatException();
            return new Token(o["rv"]!.GetValue<long>(), o["start"]?.GetValue<string>() ?? "", o["snapshot"]?.GetValue<long>() ?? 0, o["offset"]?.GetValue<int>() ?? 0);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            // storage.ContinueDecode errors become 400 (handlers: errors.NewBadRequest).
            throw StatusErrors.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
    }
}
