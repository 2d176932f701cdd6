using System.Threading.Channels;

namespace SaTools.Engine.Automount;

/// <summary>
/// Runs one operation per item with at most <c>throttleLimit</c> running at once, and hands back each result as
/// soon as it is known, so the caller (the cmdlet, on the pipeline thread) can write progress and objects while
/// work goes on.
/// Stopping is safe for writes that are atomic on the server (a PATCH): once <c>stop</c> is cancelled no new
/// operation starts, every item not started comes back through <c>notStarted</c> (Skipped), and operations
/// already running are NOT cancelled (they get <see cref="CancellationToken.None"/>), so each object ends either
/// written or untouched and the caller knows which. A running operation still finishes within its own retry
/// budget, which the API layer bounds.
/// </summary>
public static class BoundedParallelRunner
{
    public const int DefaultThrottleLimit = 8;

    /// <summary>Starts the batch; see <see cref="RunningBatch{TResult}"/>.</summary>
    public static RunningBatch<TResult> Start<TItem, TResult>(
        IReadOnlyList<TItem> items,
        int throttleLimit,
        Func<TItem, CancellationToken, Task<TResult>> operation,
        Func<TItem, Exception, TResult> failed,
        Func<TItem, TResult> notStarted,
        CancellationToken stop)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throttleLimit, 1);
        var channel = Channel.CreateUnbounded<TResult>(new UnboundedChannelOptions { SingleReader = true });
        var completion = ProduceAsync(items, throttleLimit, operation, failed, notStarted, channel.Writer, stop);
        return new RunningBatch<TResult>(channel.Reader.ReadAllAsync(CancellationToken.None), completion);
    }

    /// <summary>Starts the batch and streams its results (for callers that need not wait for in-flight work).</summary>
    public static IAsyncEnumerable<TResult> RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items,
        int throttleLimit,
        Func<TItem, CancellationToken, Task<TResult>> operation,
        Func<TItem, Exception, TResult> failed,
        Func<TItem, TResult> notStarted,
        CancellationToken stop) =>
        Start(items, throttleLimit, operation, failed, notStarted, stop).Results;

    private static async Task ProduceAsync<TItem, TResult>(
        IReadOnlyList<TItem> items,
        int throttleLimit,
        Func<TItem, CancellationToken, Task<TResult>> operation,
        Func<TItem, Exception, TResult> failed,
        Func<TItem, TResult> notStarted,
        ChannelWriter<TResult> writer,
        CancellationToken stop)
    {
        using var slots = new SemaphoreSlim(throttleLimit, throttleLimit);
        var running = new List<Task>(items.Count);
        try
        {
            foreach (var item in items)
            {
                var started = false;
                if (!stop.IsCancellationRequested)
                {
                    try
                    {
                        await slots.WaitAsync(stop).ConfigureAwait(false);
                        started = !stop.IsCancellationRequested;
                        if (!started)
                        {
                            slots.Release();
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        started = false;
                    }
                }
                if (!started)
                {
                    writer.TryWrite(notStarted(item));
                    continue;
                }
                running.Add(Task.Run(async () =>
                {
                    TResult result;
                    try
                    {
                        result = await operation(item, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        result = failed(item, ex);
                    }
                    finally
                    {
                        slots.Release();
                    }
                    writer.TryWrite(result);
                }, CancellationToken.None));
            }
            await Task.WhenAll(running).ConfigureAwait(false);
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            // Only the caller's own callbacks (failed/notStarted) can land here; surface it to the reader.
            await Task.WhenAll(running).ConfigureAwait(false);
            writer.TryComplete(ex);
        }
    }
}

/// <summary>
/// A started batch: <see cref="Results"/> streams each outcome as it is known, and <see cref="Completion"/>
/// finishes once every operation that was started has finished. A caller that stops reading early (Ctrl+C) waits
/// on <see cref="Completion"/> before closing the connection, so no write already sent is cut off.
/// <see cref="Completion"/> never faults.
/// </summary>
public sealed class RunningBatch<TResult>
{
    internal RunningBatch(IAsyncEnumerable<TResult> results, Task completion)
    {
        Results = results;
        Completion = completion;
    }

    public IAsyncEnumerable<TResult> Results { get; }

    public Task Completion { get; }
}
