using System.Collections.Concurrent;

namespace SaTools.Completion;

/// <summary>
/// Completion results kept for a short while, so pressing Tab twice does not ask the cluster twice
/// (SecretManagement VaultNameCompleter, PSResourceGet src/code/ArgumentCompleter.cs).
/// <para>
/// A query that outlasts the wait a Tab allows goes on, and what it finds is kept when it comes: on a cold session
/// (the first TLS handshake and the first JIT of the client, seconds on a small runbook worker) or against a slow
/// cluster the first Tab completes nothing and the next one completes at once, where each Tab would otherwise wait
/// its two seconds and give up again. One query per key runs at a time: a Tab while it runs waits for that one.
/// </para>
/// </summary>
internal static class CompletionCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<string, (DateTime At, IReadOnlyList<string> Values)> Entries = new();
    private static readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<string>>>> Running = new();

    /// <summary>The kept values of <paramref name="key"/>, else <paramref name="load"/>'s (run here, at once).</summary>
    public static IReadOnlyList<string> GetOrAdd(string key, Func<IReadOnlyList<string>> load)
    {
        if (TryGet(key, out var kept)) return kept;
        var values = load();
        Keep(key, values);
        return values;
    }

    /// <summary>The kept values of <paramref name="key"/>, else what <paramref name="query"/> finds within
    /// <paramref name="wait"/>; nothing when it takes longer (or fails), in which case it goes on and what it finds is
    /// kept for the next call.</summary>
    public static IReadOnlyList<string> GetOrQuery(string key, Func<Task<IReadOnlyList<string>>> query, TimeSpan wait)
    {
        if (TryGet(key, out var kept)) return kept;
        var running = Running.GetOrAdd(key, k => new Lazy<Task<IReadOnlyList<string>>>(() => Start(k, query))).Value;
        try
        {
            running.Wait(wait);
        }
        catch (AggregateException)
        {
            // Failed: nothing to complete, and nothing kept (the next Tab asks again).
        }
        return running.IsCompletedSuccessfully ? running.Result : Array.Empty<string>();
    }

    private static Task<IReadOnlyList<string>> Start(string key, Func<Task<IReadOnlyList<string>>> query)
    {
        var running = Task.Run(query);
        // Kept before it stops running, so a Tab in between finds one or the other.
        running.ContinueWith(done =>
        {
            if (done.IsCompletedSuccessfully) Keep(key, done.Result);
            Running.TryRemove(key, out _);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return running;
    }

    private static bool TryGet(string key, out IReadOnlyList<string> values)
    {
        var found = Entries.TryGetValue(key, out var entry) && DateTime.UtcNow - entry.At < Lifetime;
        values = found ? entry.Values : Array.Empty<string>();
        return found;
    }

    private static void Keep(string key, IReadOnlyList<string> values)
    {
        if (values.Count > 0) Entries[key] = (DateTime.UtcNow, values);
    }
}
