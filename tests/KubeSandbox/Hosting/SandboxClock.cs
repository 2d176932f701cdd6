namespace KubeSandbox.Hosting;

/// <summary>The sandbox's clock: real time plus an offset tests can move (token expiry, continue-token expiry).
/// A <see cref="TimeProvider"/>, so components that take one (the security side) follow it.</summary>
public sealed class SandboxClock : TimeProvider
{
    private readonly object _gate = new();
    private TimeSpan _offset;
    private DateTimeOffset? _frozen;

    public SandboxClock(DateTimeOffset? start = null)
    {
        if (start is { } s) _offset = s - DateTimeOffset.UtcNow;
    }

    public override DateTimeOffset GetUtcNow() => UtcNow;

    public DateTimeOffset UtcNow
    {
        get { lock (_gate) return _frozen ?? DateTimeOffset.UtcNow + _offset; }
    }

    /// <summary>Moves the clock forward (or back).</summary>
    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            if (_frozen is { } f) _frozen = f + by;
            else _offset += by;
        }
    }

    /// <summary>Sets the time; the clock keeps running from there.</summary>
    public void Set(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_frozen is not null) _frozen = now;
            else _offset = now - DateTimeOffset.UtcNow;
        }
    }

    /// <summary>Stops the clock at its current time (until <see cref="Resume"/>), for exact expiry tests.</summary>
    public void Freeze()
    {
        lock (_gate) _frozen ??= DateTimeOffset.UtcNow + _offset;
    }

    public void Resume()
    {
        lock (_gate)
        {
            if (_frozen is { } f) { _offset = f - DateTimeOffset.UtcNow; _frozen = null; }
        }
    }
}
