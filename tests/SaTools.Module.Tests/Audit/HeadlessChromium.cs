using System.Diagnostics;

namespace SaTools.Module.Tests.Audit;

/// <summary>Debian's <c>chromium</c> run headless, for tests that look at a page as a browser renders it.
/// Install with <c>apt-get install -y chromium</c>.</summary>
public static class HeadlessChromium
{
    public static string? Executable { get; } = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    /// <summary>Runs chromium headless on a local file with no network and a throw-away profile; returns stdout.</summary>
    public static string Run(string file, params string[] action)
    {
        var profile = Path.Combine(Path.GetTempPath(), "satools-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("chromium is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--user-data-dir=" + profile, "--window-size=1300,1800" }.Concat(action).Append(new Uri(file).AbsoluteUri))
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(90_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish within 90 s");
            }
            Task.WaitAll(stdout, stderr);
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>A fact that is skipped, saying why, where chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable is null) Skip = "chromium is not installed (apt-get install -y chromium): the report is not rendered";
    }
}
