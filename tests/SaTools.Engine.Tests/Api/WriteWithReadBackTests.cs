using SaTools.Engine.Api;

namespace SaTools.Engine.Tests.Api;

public class WriteWithReadBackTests
{
    private static KubeApiException Open() => new(KubeErrorKind.Unavailable, "HTTP 500");
    private static KubeApiException Conflict() => new(KubeErrorKind.Conflict, "the object has been modified");

    [Fact]
    public async Task AWriteThatLandedBehindAnOpenOutcomeIsNotSentAgain()
    {
        var sends = 0;
        var result = await WriteWithReadBack.RunAsync(new WriteSteps<string>
        {
            Send = _ => { sends++; throw Open(); },
            ReadBack = _ => Task.FromResult((true, "read back")),
        }, CancellationToken.None);
        Assert.Equal(("read back", 1), (result, sends));
    }

    [Fact]
    public async Task AWriteThatDidNotLandIsSentAgainUntilItDoes()
    {
        var sends = 0;
        var result = await WriteWithReadBack.RunAsync(new WriteSteps<string>
        {
            Send = _ => ++sends < 3 ? throw Open() : Task.FromResult("written"),
            ReadBack = _ => Task.FromResult((false, "")),
        }, CancellationToken.None);
        Assert.Equal(("written", 3), (result, sends));
    }

    [Fact]
    public async Task OpenOutcomesAreBoundedAndTheLastErrorComesOut()
    {
        var sends = 0;
        var reads = 0;
        var e = await Assert.ThrowsAsync<KubeApiException>(() => WriteWithReadBack.RunAsync(new WriteSteps<string>
        {
            Send = _ => { sends++; throw Open(); },
            // A read-back that fails cannot tell: the write is sent again.
            ReadBack = _ => { reads++; throw new KubeApiException(KubeErrorKind.Unreachable, "reset"); },
        }, CancellationToken.None));
        Assert.Equal(KubeErrorKind.Unavailable, e.Kind);
        Assert.Equal((WriteWithReadBack.MaxAmbiguousAttempts, WriteWithReadBack.MaxAmbiguousAttempts), (sends, reads));
    }

    [Fact]
    public async Task AConflictReadsAndDecidesAgainBeforeTheNextWrite()
    {
        var log = new List<string>();
        var version = 1;
        var result = await WriteWithReadBack.RunAsync(new WriteSteps<string>
        {
            Send = _ => { log.Add("send v" + version); return version == 1 ? throw Conflict() : Task.FromResult("written v" + version); },
            ReadBack = _ => throw new InvalidOperationException("no open outcome here"),
            Redecide = _ => { log.Add("redecide"); version = 2; return Task.FromResult((false, "")); },
        }, CancellationToken.None);
        Assert.Equal("written v2", result);
        Assert.Equal(["send v1", "redecide", "send v2"], log);
    }

    [Fact]
    public async Task ARedecisionThatFindsNothingToWriteEndsWithoutWriting()
    {
        var sends = 0;
        var result = await WriteWithReadBack.RunAsync(new WriteSteps<string>
        {
            Send = _ => { sends++; throw Conflict(); },
            ReadBack = _ => throw new InvalidOperationException(),
            Redecide = _ => Task.FromResult((true, "already done by someone else")),
        }, CancellationToken.None);
        Assert.Equal(("already done by someone else", 1), (result, sends));
    }

    [Fact]
    public async Task ConflictsAreBoundedAndWithoutARedecisionAConflictIsFinal()
    {
        var sends = 0;
        await Assert.ThrowsAsync<KubeApiException>(() => WriteWithReadBack.RunAsync(new WriteSteps<string>
        {
            Send = _ => { sends++; throw Conflict(); },
            ReadBack = _ => throw new InvalidOperationException(),
            Redecide = _ => Task.FromResult((false, "")),
        }, CancellationToken.None));
        Assert.Equal(WriteWithReadBack.MaxConflictAttempts, sends);

        sends = 0;
        var e = await Assert.ThrowsAsync<KubeApiException>(() => WriteWithReadBack.RunAsync(new WriteSteps<string>
        {
            Send = _ => { sends++; throw Conflict(); },
            ReadBack = _ => throw new InvalidOperationException(),
        }, CancellationToken.None));
        Assert.Equal((KubeErrorKind.Conflict, 1), (e.Kind, sends));
    }

    [Fact]
    public async Task OtherFailuresAreNotRetried()
    {
        var sends = 0;
        var e = await Assert.ThrowsAsync<KubeApiException>(() => WriteWithReadBack.RunAsync(new WriteSteps<string>
        {
            Send = _ => { sends++; throw new KubeApiException(KubeErrorKind.Forbidden, "403"); },
            ReadBack = _ => throw new InvalidOperationException(),
            Redecide = _ => throw new InvalidOperationException(),
        }, CancellationToken.None));
        Assert.Equal((KubeErrorKind.Forbidden, 1), (e.Kind, sends));
    }
}
