using System.Runtime.CompilerServices;

namespace SaTools.Engine.Api;

/// <summary>
/// Pages a list with <c>limit</c>/<c>continue</c> and yields items as each page arrives. The pager is pipelined:
/// as soon as a page's continue token is known (<see cref="KubeApi"/> reads it from the first bytes of the body,
/// see <see cref="ListBody"/> and <see cref="ListMetaReader"/>), the next page is asked for, so it is on the wire
/// while the rest of this page arrives, its items are parsed and the caller works through them; a list of N pages
/// then costs about N round trips, not N round trips plus N body transfers and parses. At most one page is read
/// ahead, and only a page the server said exists (a continue token), so a list read to its end sends exactly its
/// pages.
/// <para>
/// The end of a list is the absence of a continue token, never <c>remainingItemCount</c>: the API server leaves
/// that count out of every list with a label or field selector, since it cannot tell how many of the objects left
/// match (k8s.io/apiserver pkg/storage/etcd3/store.go, GetList: "Only set remainingItemCount if the predicate is
/// empty"; ListMeta in the OpenAPI: "If the list request contained label or field selectors, then the number of
/// remaining items is unknown and the field will be left unset").
/// </para>
/// <para>
/// When the continue token has expired (410 Expired: the server compacted the resource version the token pins,
/// see "Retrieving large results sets in chunks" in the API concepts doc) the list is started again from the
/// beginning and items already yielded are skipped by UID, so the caller sees each object once.
/// </para>
/// </summary>
internal static class Pager
{
    public const int DefaultPageSize = 500;
    private const int MaxRestarts = 3;

    // remainingItemCount is the server's estimate; a set presized from it is capped, and grows as usual beyond.
    private const int MaxPresizedItems = 1_000_000;

    public delegate Task<Page<T>> FetchPage<T>(string? continueToken, int limit, CancellationToken cancellationToken);

    /// <summary>One page: its continue token and count, known as soon as its first bytes are in, and its items,
    /// read (the rest of the body) and parsed when <see cref="ReadItemsAsync"/> is called, after the next page has
    /// been asked for. A page whose items are never read is <see cref="Abandon"/>ed, so its response is let go.</summary>
    public readonly struct Page<T>
    {
        private readonly Func<CancellationToken, Task<IList<T>?>>? _readItems;
        private readonly Action? _abandon;

        /// <summary>A page already parsed.</summary>
        public Page(IList<T>? items, string? @continue, long? remainingItemCount)
            : this(_ => Task.FromResult(items), null, @continue, remainingItemCount)
        {
        }

        /// <summary>A page whose items <c>readItems</c> reads (the rest of its body) and parses, once; <c>abandon</c>
        /// lets go of what it would have read.</summary>
        public Page(Func<CancellationToken, Task<IList<T>?>> readItems, Action? abandon, string? @continue, long? remainingItemCount)
        {
            _readItems = readItems;
            _abandon = abandon;
            Continue = @continue;
            RemainingItemCount = remainingItemCount;
        }

        public string? Continue { get; }

        public long? RemainingItemCount { get; }

        public Task<IList<T>?> ReadItemsAsync(CancellationToken cancellationToken) =>
            _readItems?.Invoke(cancellationToken) ?? Task.FromResult<IList<T>?>(null);

        public void Abandon() => _abandon?.Invoke();
    }

    public static async IAsyncEnumerable<T> ListAsync<T>(
        string resource,
        FetchPage<T> fetch,
        Func<T, string?> uidOf,
        int pageSize,
        Action<ListProgress>? onPage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var yielded = new HashSet<string>(StringComparer.Ordinal);
        var restarts = 0;
        var pages = 0;
        long items = 0;
        // Cancels the page read ahead when the caller stops early (break, an exception, Ctrl+C).
        using var readAhead = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        string? requested = null;
        Task<Page<T>>? next = Start(fetch, null, pageSize, readAhead.Token);
        try
        {
            while (next is not null)
            {
                Page<T> page;
                try
                {
                    page = await next.ConfigureAwait(false);
                }
                catch (KubeApiException e) when (e.Kind == KubeErrorKind.Expired && requested is not null && restarts < MaxRestarts)
                {
                    restarts++;
                    requested = null;
                    next = Start(fetch, null, pageSize, readAhead.Token);
                    continue;
                }
                if (cancellationToken.IsCancellationRequested)
                {
                    page.Abandon();
                    cancellationToken.ThrowIfCancellationRequested();
                }

                // The next page goes on the wire before the rest of this one is read.
                requested = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
                next = requested is null ? null : Start(fetch, requested, pageSize, readAhead.Token);

                pages++;
                // Read and parsed here, while the next page is on the wire.
                var list = await page.ReadItemsAsync(cancellationToken).ConfigureAwait(false) ?? Array.Empty<T>();
                // After a restart the first pages repeat items already yielded: they are not counted again.
                items += list.Count(item => uidOf(item) is not { } uid || !yielded.Contains(uid));
                if (pages == 1 && page.RemainingItemCount is { } remaining)
                {
                    // Sized once for the whole list (40,000 pods at scale) rather than regrown a dozen times.
                    yielded.EnsureCapacity((int)Math.Min(items + remaining, MaxPresizedItems));
                }
                onPage?.Invoke(new ListProgress(resource, pages, items, page.RemainingItemCount));
                foreach (var item in list)
                {
                    var uid = uidOf(item);
                    if (uid is not null && !yielded.Add(uid)) continue;
                    yield return item;
                }
            }
        }
        finally
        {
            if (next is not null)
            {
                // The caller stopped before the page read ahead was used: cancel it and observe its end, so no
                // request outlives the enumeration and no failure goes unobserved.
                readAhead.Cancel();
                try
                {
                    (await next.ConfigureAwait(false)).Abandon();
                }
                catch (Exception)
                {
                    // Cancelled or failed: either way nobody wants that page any more.
                }
            }
        }
    }

    /// <summary>Asks for a page; a fetch that throws before its first await comes back as a failed task, so it
    /// is handled where the page is awaited, like any other failure (410 included).</summary>
    private static Task<Page<T>> Start<T>(FetchPage<T> fetch, string? continueToken, int pageSize, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return fetch(continueToken, pageSize, cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<Page<T>>(e);
        }
    }

    /// <summary>Reads a whole (paged) list into memory, for callers that need every item before going on.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source.ConfigureAwait(false))
        {
            list.Add(item);
        }
        return list;
    }
}
