using System.Diagnostics;

namespace SaTools.Benchmarks.Measurement;

/// <summary>One child process run: exit code, wall time, output, and its peak resident set.</summary>
public sealed record ChildProcessResult(int ExitCode, TimeSpan Elapsed, long? PeakBytes, string Stdout, string Stderr);

/// <summary>
/// Runs a child process and measures it. The peak resident set comes from GNU time's <c>%M</c> (the
/// ru_maxrss that wait4 returns, exact even for a process that lives 50 ms) when /usr/bin/time exists; otherwise
/// /proc/&lt;pid&gt;/status VmHWM is sampled while the child runs.
/// </summary>
public static class ChildProcessRun
{
    private const string GnuTime = "/usr/bin/time";

    public static async Task<ChildProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var useGnuTime = File.Exists(GnuTime);
        string? peakFile = useGnuTime ? Path.GetTempFileName() : null;
        var info = new ProcessStartInfo(useGnuTime ? GnuTime : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (useGnuTime)
        {
            foreach (var a in new[] { "-f", "%M", "-o", peakFile!, fileName }) info.ArgumentList.Add(a);
        }
        foreach (var a in arguments) info.ArgumentList.Add(a);

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        long sampledPeakKb = 0;
        if (!useGnuTime)
        {
            while (!process.HasExited)
            {
                if (ProcStatus.ReadKb($"/proc/{process.Id}/status", "VmHWM:") is { } kb) sampledPeakKb = Math.Max(sampledPeakKb, kb);
                await Task.Delay(2, cancellationToken).ConfigureAwait(false);
            }
        }
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        stopwatch.Stop();

        long? peakBytes = sampledPeakKb > 0 ? sampledPeakKb * 1024 : null;
        if (peakFile is not null)
        {
            var text = (await File.ReadAllTextAsync(peakFile, cancellationToken).ConfigureAwait(false)).Trim();
            // GNU time writes "Command exited with non-zero status N" before the figure when the child fails.
            var last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
            if (long.TryParse(last, out var kb)) peakBytes = kb * 1024;
            File.Delete(peakFile);
        }
        return new ChildProcessResult(process.ExitCode, stopwatch.Elapsed, peakBytes, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
