namespace SaTools.Engine.Api;

/// <summary>
/// Reads lists of different kinds at the same time, so a workload that needs several kinds waits for its slowest
/// list, not for the sum of them. Get one from <see cref="KubeApi.StartLists"/>; every read goes through the same
/// <see cref="KubeApi"/> (its retries, its paging and 410 restarts, its request log), and:
/// <list type="bullet">
/// <item>at most <see cref="KubeApi.ListConcurrency"/> lists of one <see cref="KubeApi"/> are on the wire at once
/// (the others wait their turn, in the order they were started, across every set of that <see cref="KubeApi"/>:
/// start the longest list first), so the API server's priority and fairness is not
/// flooded;</item>
/// <item>every read gets <see cref="Token"/>: the caller's token, cancelled too as soon as one read fails, so the
/// other lists stop at once instead of reading pages nobody will use;</item>
/// <item><see cref="WhenAllAsync"/> waits for every read started, also one started while others run (a list that
/// turns out to be needed on seeing the first page of another), and throws the failure of the earliest started
/// read that failed (a stable choice, whatever finished first), never the cancellations it caused.</item>
/// </list>
/// Each item is handed to the caller's projection as its page arrives, so a caller keeps only the fields it needs
/// and the page itself is garbage once read: memory follows what is kept, not what was listed.
/// <example>
/// <code>
/// await using var lists = api.StartLists(cancellationToken);
/// var pods = lists.Read(t => api.ListPodsAsync(null, null, null, t), PodFacts.From);
/// var accounts = lists.Read(t => api.ListServiceAccountsAsync(null, null, null, t), ServiceAccountFacts.From);
/// await lists.WhenAllAsync();
/// // pods.Result, accounts.Result
/// </code>
/// </example>
/// </summary>
internal sealed class ConcurrentLists : IAsyncDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop;
    private readonly List<Task> _reads = new();
    private readonly object _gate = new();

    internal ConcurrentLists(SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        _slots = slots;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>The caller's token, also cancelled when any read of the set fails.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>
    /// Starts a read of its own: <paramref name="read"/> gets <see cref="Token"/> and holds one of the list slots
    /// while it runs. For reads that handle some failures themselves (a 404 or 403 that means "not available")
    /// or keep their results in their own shape.
    /// </summary>
    public Task<T> Start<T>(Func<CancellationToken, Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        // The place in line is taken here, on the caller's thread, so the lists of every set on this connection get
        // their slots in the order they were started: a caller that starts its longest list first has it on the
        // wire first, whatever order the thread pool runs the reads in.
        var slot = _slots.WaitAsync(_stop.Token);
        var task = RunAsync(slot, read);
        lock (_gate) _reads.Add(task);
        return task;
    }

    /// <summary>
    /// Reads a whole list, keeping <paramref name="project"/>(item) of each item as it arrives (null: dropped).
    /// <paramref name="list"/> opens the list with the token it is given (a <see cref="KubeApi"/> list method).
    /// </summary>
    public Task<List<TKept>> Read<T, TKept>(Func<CancellationToken, IAsyncEnumerable<T>> list, Func<T, TKept?> project)
        where TKept : class
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(project);
        return Start(async token =>
        {
            var kept = new List<TKept>();
            await foreach (var item in list(token).WithCancellation(token).ConfigureAwait(false))
            {
                if (project(item) is { } k) kept.Add(k);
            }
            return kept;
        });
    }

    /// <summary>Reads a whole list, handing each item to <paramref name="onItem"/> as it arrives (for callers that
    /// fold a list into a dictionary or a count). <paramref name="onItem"/> runs on one read's thread at a time.</summary>
    public Task ReadEach<T>(Func<CancellationToken, IAsyncEnumerable<T>> list, Action<T> onItem)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(onItem);
        return Start(async token =>
        {
            await foreach (var item in list(token).WithCancellation(token).ConfigureAwait(false))
            {
                onItem(item);
            }
            return true;
        });
    }

    /// <summary>
    /// Waits for every read started (also those started while waiting). Throws the first failure in the order the
    /// reads were started; an <see cref="OperationCanceledException"/> only when the caller's own token was
    /// cancelled.
    /// </summary>
    public async Task WhenAllAsync()
    {
        var waited = 0;
        while (true)
        {
            Task[] reads;
            lock (_gate)
            {
                if (_reads.Count == waited) break;
                reads = _reads.ToArray();
            }
            waited = reads.Length;
            try
            {
                await Task.WhenAll(reads).ConfigureAwait(false);
            }
            catch
            {
                // Handled below, once every read has ended.
            }
        }
        Task[] all;
        lock (_gate) all = _reads.ToArray();
        // A real failure first, in the order started; cancellations it caused are not failures.
        foreach (var task in all)
        {
            if (task.IsFaulted && task.Exception!.InnerExceptions[0] is not OperationCanceledException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(task.Exception.InnerExceptions[0]).Throw();
            }
        }
        foreach (var task in all)
        {
            if (task.IsCanceled || task.IsFaulted)
            {
                await task.ConfigureAwait(false);
            }
        }
    }

    /// <summary>Cancels whatever still runs (a caller that stops early) and waits for it to end, so no request
    /// outlives the set.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_gate) running = _reads.Where(t => !t.IsCompleted).ToArray();
        if (running.Length > 0)
        {
            _stop.Cancel();
            try
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }
            catch
            {
                // Cancelled or failed: nobody is waiting for these results any more.
            }
        }
        _stop.Dispose();
    }

    private async Task<T> RunAsync<T>(Task slot, Func<CancellationToken, Task<T>> read)
    {
        var token = _stop.Token;
        // Off the caller's thread at once: the caller starts its other lists before any of them is on the wire.
        await Task.Yield();
        // Cancelled while waiting: no slot was taken, none is released.
        await slot.ConfigureAwait(false);
        try
        {
            return await read(token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
        {
            // The other lists stop: the set has failed.
            try { _stop.Cancel(); } catch (ObjectDisposedException) { }
            throw;
        }
        finally
        {
            _slots.Release();
        }
    }
}
