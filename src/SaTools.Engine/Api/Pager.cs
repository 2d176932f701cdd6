using System.Runtime.CompilerServices;

namespace SaTools.Engine.Api;

/// <summary>
/// Pages a list with <c>limit</c>/<c>continue</c> and yields items as each page arrives, so the first item is with
/// the caller before the next page is asked for. When the continue token has expired (410 Expired: the server
/// compacted the resource version the token pins, see "Retrieving large results sets in chunks" in the API
/// concepts doc) the list is started again from the beginning and items already yielded are skipped by UID, so
/// the caller sees each object once.
/// </summary>
internal static class Pager
{
    public const int DefaultPageSize = 500;
    private const int MaxRestarts = 3;

    public delegate Task<Page<T>> FetchPage<T>(string? continueToken, int limit, CancellationToken cancellationToken);

    public readonly record struct Page<T>(IList<T>? Items, string? Continue, long? RemainingItemCount);

    public static async IAsyncEnumerable<T> ListAsync<T>(
        string resource,
        FetchPage<T> fetch,
        Func<T, string?> uidOf,
        int pageSize,
        Action<ListProgress>? onPage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var yielded = new HashSet<string>(StringComparer.Ordinal);
        string? continueToken = null;
        var restarts = 0;
        var pages = 0;
        long items = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Page<T> page;
            try
            {
                page = await fetch(continueToken, pageSize, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.Kind == KubeErrorKind.Expired && continueToken is not null && restarts < MaxRestarts)
            {
                restarts++;
                continueToken = null;
                continue;
            }

            pages++;
            var list = page.Items ?? Array.Empty<T>();
            // After a restart the first pages repeat items already yielded: they are not counted again.
            items += list.Count(item => uidOf(item) is not { } uid || !yielded.Contains(uid));
            onPage?.Invoke(new ListProgress(resource, pages, items, page.RemainingItemCount));
            foreach (var item in list)
            {
                var uid = uidOf(item);
                if (uid is not null && !yielded.Add(uid)) continue;
                yield return item;
            }

            if (string.IsNullOrEmpty(page.Continue)) yield break;
            continueToken = page.Continue;
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
