
namespace SaTools.Benchmarks.Measurement;

/// <summary>
/// The benchmark process's peak working set over one workload run. The kernel's own high-water mark (VmHWM in
/// /proc/self/status, what Process.PeakWorkingSet64 reads) covers the whole process life, so it is reset at the
/// start of the run by writing 5 to /proc/self/clear_refs (proc(5), Linux 4.0+); a sampling thread reading the
/// current working set every few milliseconds backs it up where the reset is not allowed. The baseline (after a
/// full GC, sandbox loaded) is kept so the report can tell the workload's own growth from the in-process sandbox.
/// </summary>
public sealed class InProcessPeakMemory : IDisposable
{
    private const string ClearRefs = "/proc/self/clear_refs";
    private readonly Thread _sampler;
    private readonly bool _kernelPeakReset;
    private volatile bool _stop;
    private long _sampledPeak;

    private InProcessPeakMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        _kernelPeakReset = TryResetKernelPeak();
        BaselineBytes = CurrentWorkingSet();
        _sampledPeak = BaselineBytes;
        _sampler = new Thread(Sample) { IsBackground = true, Name = "peak-memory-sampler", Priority = ThreadPriority.AboveNormal };
        _sampler.Start();
    }

    public static InProcessPeakMemory Start() => new();

    /// <summary>Whether this process may reset its kernel high-water mark (otherwise the peak is sampled only).</summary>
    public static bool KernelPeakResettable => TryResetKernelPeak();

    /// <summary>The working set when the run started, after a full collection.</summary>
    public long BaselineBytes { get; }

    /// <summary>Stops sampling and returns the peak working set over the run.</summary>
    public long Stop()
    {
        _stop = true;
        _sampler.Join();
        var peak = Math.Max(Interlocked.Read(ref _sampledPeak), CurrentWorkingSet());
        if (_kernelPeakReset && ReadStatusKb("VmHWM:") is { } hwmKb) peak = Math.Max(peak, hwmKb * 1024);
        return peak;
    }

    public void Dispose()
    {
        _stop = true;
        _sampler.Join();
    }

    private void Sample()
    {
        while (!_stop)
        {
            var ws = CurrentWorkingSet();
            if (ws > Interlocked.Read(ref _sampledPeak)) Interlocked.Exchange(ref _sampledPeak, ws);
            Thread.Sleep(5);
        }
    }

    private static long CurrentWorkingSet() =>
        ReadStatusKb("VmRSS:") is { } kb ? kb * 1024 : Environment.WorkingSet;

    private static bool TryResetKernelPeak()
    {
        try
        {
            File.WriteAllText(ClearRefs, "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    /// <summary>A "Name:   1234 kB" line of /proc/self/status, in kB; null off Linux.</summary>
    private static long? ReadStatusKb(string field) => ProcStatus.ReadKb("/proc/self/status", field);
}
