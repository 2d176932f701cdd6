using System.Diagnostics;
using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;
using SaTools.Benchmarks.Reporting;

namespace SaTools.Benchmarks.Peers;

/// <summary>
/// A shell loop of kubectl calls, one per item, run on a sample and scaled up linearly to the whole cluster:
/// time, requests and objects times (total / sample). The peak is the largest single kubectl's, since a loop runs
/// one at a time.
/// </summary>
public static class SampledLoop
{
    public static async Task<RunMeasurement> RunAsync<T>(
        Kubectl kubectl,
        IBenchCluster cluster,
        IReadOnlyList<T> sample,
        long total,
        Func<T, IReadOnlyList<string>> arguments,
        CancellationToken cancellationToken)
    {
        long peak = 0;
        int failures = 0, succeeded = 0;
        string? firstError = null;
        var window = RequestWindow.Open(cluster);
        var stopwatch = Stopwatch.StartNew();
        foreach (var item in sample)
        {
            var run = await kubectl.RunAsync(arguments(item), cancellationToken).ConfigureAwait(false);
            peak = Math.Max(peak, run.PeakBytes ?? 0);
            if (run.ExitCode == 0)
            {
                succeeded++;
                continue;
            }
            failures++;
            firstError ??= $"kubectl exit {run.ExitCode}: {run.Stderr.Trim().ReplaceLineEndings(" ")}";
        }
        stopwatch.Stop();
        var tally = window.Close();
        var factor = (double)total / sample.Count;
        return new RunMeasurement(
            stopwatch.Elapsed.TotalMilliseconds * factor,
            (long)Math.Round(tally.Total * factor),
            (long)Math.Round(succeeded * factor),
            peak > 0 ? peak / 1024.0 / 1024.0 : null,
            failures,
            firstError)
        {
            Tally = tally,
            Writes = (int)Math.Round(tally.Writes * factor),
            DiscoveryRequests = (int)Math.Round(tally.Discovery * factor),
        };
    }
}
