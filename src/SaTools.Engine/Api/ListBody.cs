using System.Buffers;

namespace SaTools.Engine.Api;

/// <summary>
/// One list page's body, read into a pooled buffer and given back once parsed. A page of 500 pods is most of a
/// megabyte: a new array per page would land on the large object heap, which only a full collection frees, so a
/// 40,000-pod list would leave some 60 MB of dead pages behind it; pooled, a list reuses a handful of buffers.
/// </summary>
internal sealed class ListBody
{
    // Up to 64 MB a page (far above any page the API server writes at limit=500); a few of each size are kept,
    // enough for the lists ConcurrentLists reads at once, each with one page read ahead.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(64 * 1024 * 1024, 16);
    private const int FirstBuffer = 128 * 1024;

    private byte[]? _buffer;

    private ListBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    /// <summary>The body; only until <see cref="Release"/>.</summary>
    public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(ListBody))).AsSpan(0, Length);

    /// <summary>The body as a stream; only until <see cref="Release"/>.</summary>
    public Stream AsStream() => new MemoryStream(_buffer ?? throw new ObjectDisposedException(nameof(ListBody)), 0, Length, writable: false);

    /// <summary>Gives the buffer back to the pool (once; later calls do nothing).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) Pool.Return(buffer);
    }

    public static async Task<ListBody> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var expected = content.Headers.ContentLength;
        var buffer = Pool.Rent(expected is > 0 and < int.MaxValue ? (int)expected.Value : FirstBuffer);
        var length = 0;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = Pool.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    Pool.Return(buffer);
                    buffer = bigger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
            }
            return new ListBody(buffer, length);
        }
        catch
        {
            Pool.Return(buffer);
            throw;
        }
    }
}
