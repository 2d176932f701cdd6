using SaTools.Engine.Threading;

namespace SaTools.Engine.Tests.Threading;

public sealed class CpuBoundWorkTests
{
    [Fact]
    public async Task TheWorkRunsOnAThreadOfItsOwnNotAPoolThread()
    {
        var (pooled, result) = await CpuBoundWork.RunAsync(() => (Thread.CurrentThread.IsThreadPoolThread, 42), CancellationToken.None);

        Assert.False(pooled);
        Assert.Equal(42, result);
    }

    [Fact]
    public async Task TheWorksFailureIsTheTasks()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            CpuBoundWork.RunAsync<int>(() => throw new InvalidOperationException("index"), CancellationToken.None));
        Assert.Equal("index", e.Message);
    }

    [Fact]
    public async Task WorkCancelledBeforeItStartsNeverRuns()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var ran = false;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CpuBoundWork.RunAsync(() => ran = true, cancelled.Token));
        Assert.False(ran);
    }
}
