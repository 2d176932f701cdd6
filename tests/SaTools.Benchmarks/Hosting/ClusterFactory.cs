namespace SaTools.Benchmarks.Hosting;

/// <summary>Thrown when this build has no sandbox fixture to start (the benchmark then reports every workload as
/// skipped rather than failing).</summary>
public sealed class FixtureUnavailableException(string message) : Exception(message);

/// <summary>Starts the cluster the benchmark measures against.</summary>
public static class ClusterFactory
{
    public static async Task<IBenchCluster> StartAsync(ScaleSpec scale, int latencyMs, string workDirectory)
    {
#if SANDBOX_FIXTURE
        return await SandboxCluster.StartAsync(scale, latencyMs, workDirectory).ConfigureAwait(false);
#else
        await Task.CompletedTask.ConfigureAwait(false);
        throw new FixtureUnavailableException("the sandbox fixture (SandboxServer) is not in this build yet");
#endif
    }
}
