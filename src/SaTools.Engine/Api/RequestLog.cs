namespace SaTools.Engine.Api;

/// <summary>
/// Where the request log goes. A connection is shared by every cmdlet of a session (and by the cmdlets of one
/// pipeline, which interleave on one thread), so the sink is not a property of the connection but of the calling
/// flow: a cmdlet opens a scope around each engine call and every request made in that async flow reports to it.
/// </summary>
public static class RequestLog
{
    private static readonly AsyncLocal<Action<RequestLogEntry>?> CurrentSink = new();

    /// <summary>Routes the requests made in this async flow to <paramref name="sink"/> until the scope is disposed.
    /// The sink is called on whatever thread the request completes on: queue, do not write to a host from it.</summary>
    public static IDisposable BeginScope(Action<RequestLogEntry> sink)
    {
        var previous = CurrentSink.Value;
        CurrentSink.Value = sink;
        return new Scope(previous);
    }

    internal static void Report(RequestLogEntry entry)
    {
        try
        {
            CurrentSink.Value?.Invoke(entry);
        }
        catch
        {
            // A broken log sink must never fail the request it describes.
        }
    }

    private sealed class Scope(Action<RequestLogEntry>? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            CurrentSink.Value = previous;
        }
    }
}
