namespace SaTools.Benchmarks.Measurement;

/// <summary>
/// The process's CPU time sampled every few milliseconds over one run, so the CPU spent after a given moment
/// (the last list answer) can be read afterwards: issue 4 sets its evaluation target in CPU time. The sandbox
/// shares the process but is idle once it has answered the last request.
/// </summary>
public sealed class CpuTimeline : IDisposable
{
    private readonly List<(DateTimeOffset Time, TimeSpan Cpu)> _samples = new();
    private readonly Thread _sampler;
    private volatile bool _stop;

    private CpuTimeline()
    {
        Record();
        _sampler = new Thread(Sample) { IsBackground = true, Name = "cpu-timeline-sampler" };
        _sampler.Start();
    }

    public static CpuTimeline Start() => new();

    /// <summary>Stops sampling, taking a last sample.</summary>
    public void Stop()
    {
        if (_stop) return;
        _stop = true;
        _sampler.Join();
        Record();
    }

    /// <summary>CPU time from the last sample at or before <paramref name="moment"/> to the end of the run.</summary>
    public TimeSpan CpuSince(DateTimeOffset moment)
    {
        lock (_samples)
        {
            var start = _samples.LastOrDefault(s => s.Time <= moment);
            if (start == default) start = _samples[0];
            return _samples[^1].Cpu - start.Cpu;
        }
    }

    public void Dispose() => Stop();

    private void Sample()
    {
        while (!_stop)
        {
            Thread.Sleep(5);
            Record();
        }
    }

    private void Record()
    {
        var sample = (DateTimeOffset.UtcNow, Environment.CpuUsage.TotalTime);
        lock (_samples) _samples.Add(sample);
    }
}
