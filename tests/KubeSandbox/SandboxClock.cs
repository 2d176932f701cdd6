namespace KubeSandbox;

/// <summary>
/// The sandbox's notion of "now": a <see cref="TimeProvider"/> that follows the system clock until a test sets or
/// advances it, so token expiry (exp, nbf), creation timestamps and the legacy-token "last used" date can be tested
/// without waiting. Shared by the core (timestamps, continue-token expiry) and the security side (tokens).
/// </summary>
public sealed class SandboxClock : TimeProvider
{
    private readonly object _gate = new();
    private TimeSpan _offset;
    private DateTimeOffset? _frozen;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _frozen ?? base.GetUtcNow() + _offset;
        }
    }

    /// <summary>Stops the clock at <paramref name="now"/>; it stays there until set, advanced or resumed.</summary>
    public void Set(DateTimeOffset now)
    {
        lock (_gate)
        {
            _frozen = now.ToUniversalTime();
        }
    }

    /// <summary>Moves the clock forward (or back, with a negative span), frozen or running.</summary>
    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            if (_frozen is { } f)
            {
                _frozen = f + by;
            }
            else
            {
                _offset += by;
            }
        }
    }

    /// <summary>Follows the system clock again (offset cleared).</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _frozen = null;
            _offset = TimeSpan.Zero;
        }
    }
}
