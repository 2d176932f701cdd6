using System.Buffers;

namespace SaTools.Engine.Api;

/// <summary>
/// One list page's response body, read into a pooled buffer in two steps: <see cref="ReadHeadAsync"/> reads until
/// the list's metadata is known (<see cref="ListMetaReader"/>: usually the first packet), so the next page can be
/// asked for at once; <see cref="ReadRestAsync"/> reads the rest, while that next page is on the wire. The pager
/// then waits only for each page's latency and first bytes in turn, not for each whole megabyte to arrive.
/// <para>
/// The buffer is pooled: a page of 500 pods is most of a megabyte, and a new array per page would land on the
/// large object heap, which only a full collection frees, so a 40,000-pod list would leave some 60 MB of dead pages
/// behind it; pooled, a list reuses a handful of buffers. The response is owned here until the body is read
/// whole or <see cref="Release"/> is called (a caller that stops early), so its connection goes back to the pool.
/// </para>
/// </summary>
internal sealed class ListBody
{
    // Up to 64 MB a page (far above any page the API server writes at limit=500); a few of each size are kept,
    // enough for the lists ConcurrentLists reads at once, each with one page read ahead.
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(64 * 1024 * 1024, 16);
    private const int FirstBuffer = 128 * 1024;

    private byte[]? _buffer;
    private HttpResponseMessage? _response;
    private Stream? _stream;

    private ListBody(HttpResponseMessage response, byte[] buffer)
    {
        _response = response;
        _buffer = buffer;
    }

    public int Length { get; private set; }

    /// <summary>True once the whole body has been read.</summary>
    public bool Complete => _stream is null && _response is null;

    /// <summary>What the start of the body said (<see cref="ListMetaReader.Outcome.Found"/>: <see cref="Continue"/>
    /// and <see cref="RemainingItemCount"/> hold the list's metadata).</summary>
    public ListMetaReader.Outcome Head { get; private set; }

    public string? Continue { get; private set; }

    public long? RemainingItemCount { get; private set; }

    /// <summary>The body read so far (all of it once <see cref="Complete"/>); only until <see cref="Release"/>.</summary>
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    /// <summary>The body as a stream; only until <see cref="Release"/>.</summary>
    public Stream AsStream() => new MemoryStream(Buffer, 0, Length, writable: false);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(ListBody));

    /// <summary>
    /// Takes <paramref name="response"/> (a success, sent with <see cref="HttpCompletionOption.ResponseHeadersRead"/>)
    /// and reads its body until the list's metadata is known, or to its end when the metadata does not come first.
    /// </summary>
    public static async Task<ListBody> ReadHeadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var expected = response.Content.Headers.ContentLength;
        var body = new ListBody(response, Pool.Rent(expected is > 0 and < int.MaxValue ? (int)expected.Value : FirstBuffer));
        try
        {
            body._stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            do
            {
                if (!await body.ReadChunkAsync(cancellationToken).ConfigureAwait(false)) break;
                body.Head = ListMetaReader.TryRead(body.Span, complete: false, out var next, out var remaining);
                body.Continue = next;
                body.RemainingItemCount = remaining;
            }
            while (body.Head == ListMetaReader.Outcome.NeedMore);
            if (body.Complete)
            {
                body.Head = ListMetaReader.TryRead(body.Span, complete: true, out var next, out var remaining);
                body.Continue = next;
                body.RemainingItemCount = remaining;
            }
            if (body.Head == ListMetaReader.Outcome.NotAtStart) await body.ReadRestAsync(cancellationToken).ConfigureAwait(false);
            return body;
        }
        catch
        {
            body.Release();
            throw;
        }
    }

    /// <summary>Reads the rest of the body (nothing when it is complete) and gives the response back.</summary>
    public async Task ReadRestAsync(CancellationToken cancellationToken)
    {
        while (await ReadChunkAsync(cancellationToken).ConfigureAwait(false))
        {
        }
    }

    /// <summary>Reads what the stream has; false at its end (the response then given back).</summary>
    private async Task<bool> ReadChunkAsync(CancellationToken cancellationToken)
    {
        if (_stream is null) return false;
        var buffer = Buffer;
        if (Length == buffer.Length)
        {
            var bigger = Pool.Rent(buffer.Length * 2);
            buffer.AsSpan(0, Length).CopyTo(bigger);
            Pool.Return(buffer);
            _buffer = buffer = bigger;
        }
        var read = await _stream.ReadAsync(buffer.AsMemory(Length), cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            Length += read;
            return true;
        }
        CloseResponse();
        return false;
    }

    private void CloseResponse()
    {
        _stream?.Dispose();
        _stream = null;
        _response?.Dispose();
        _response = null;
    }

    /// <summary>Gives the buffer back to the pool and the response back, read or not (once; later calls do
    /// nothing).</summary>
    public void Release()
    {
        CloseResponse();
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) Pool.Return(buffer);
    }
}
