using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;

namespace SaTools.Benchmarks.Peers;

/// <summary>
/// The real kubectl on this machine, pointed at the benchmark's cluster with the fixture's kubeconfig and a
/// discovery cache of its own (<c>--cache-dir</c>), warmed once before any timing as a user's would be.
/// </summary>
public sealed class Kubectl : IDisposable
{
    /// <summary>The kubectl the issue names (v1.32 on this machine), else the first on PATH.</summary>
    public static string? Locate()
    {
        if (File.Exists("/usr/bin/kubectl")) return "/usr/bin/kubectl";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private readonly string _path;
    private readonly string _cacheDirectory;
    private readonly IBenchCluster _cluster;

    public Kubectl(string path, IBenchCluster cluster)
    {
        _path = path;
        _cluster = cluster;
        _cacheDirectory = Directory.CreateTempSubdirectory("satools-bench-kubectl-cache-").FullName;
    }

    /// <summary>Fills the discovery cache (outside every window): a shell loop pays discovery once, not per call.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        var result = await RunAsync(["get", "serviceaccounts", "-n", "default", "-o", "name"], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl cannot reach the sandbox (exit {result.ExitCode}): {result.Stderr.Trim().ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>The kubectl executable.</summary>
    public string Executable => _path;

    /// <summary>The arguments every call starts with (the cluster's kubeconfig and the warm discovery cache), for a
    /// peer that runs kubectl inside a shell pipeline.</summary>
    public IReadOnlyList<string> CommonArguments => ["--kubeconfig", _cluster.KubeconfigPath, "--cache-dir", _cacheDirectory];

    public Task<ChildProcessResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken = default) =>
        ChildProcessRun.RunAsync(_path, ["--kubeconfig", _cluster.KubeconfigPath, "--cache-dir", _cacheDirectory, .. arguments], cancellationToken);

    public void Dispose()
    {
        try { Directory.Delete(_cacheDirectory, recursive: true); } catch (IOException) { }
    }
}
