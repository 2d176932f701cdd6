namespace KubeSandbox.Tests.Security;

/// <summary>A frozen, settable <see cref="TimeProvider"/> for the security unit tests.</summary>
internal sealed class TestClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;

    public void Advance(TimeSpan by) => _now += by;
}
