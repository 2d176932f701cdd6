using System.Diagnostics;

namespace SaTools.Module.Tests;

/// <summary>Runs the real kubectl (v1.32 on the machine) against a kubeconfig, as a person would.</summary>
public static class Kubectl
{
    public static (int ExitCode, string Output, string Error) Run(string kubeconfig, params string[] args)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--kubeconfig=" + kubeconfig);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "kubectl timed out");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs kubectl and fails the test unless it succeeds; returns its standard output.</summary>
    public static string Succeed(string kubeconfig, params string[] args)
    {
        var (code, output, error) = Run(kubeconfig, args);
        Assert.True(code == 0, $"kubectl {string.Join(" ", args)} failed: {error}");
        return output;
    }
}
