using System.Text.Json.Nodes;
using KubeSandbox.Faults;

namespace SaTools.Benchmarks.Hosting;

/// <summary>One request the cluster answered, as its request log recorded it (<see cref="Time"/> is when the
/// answer was complete; <see cref="Fault"/> names the faults injected into it, null for none).</summary>
public sealed record ObservedRequest(DateTimeOffset Time, string Method, string Path, string Query, int Status, string? Fault = null);

/// <summary>
/// The cluster a benchmark run talks to: the sandbox's scale scenario with a fixed injected latency. Everything
/// the benchmark needs of the sandbox fixture goes through here, so the fixture's shape is known in one file.
/// </summary>
public interface IBenchCluster : IAsyncDisposable
{
    /// <summary>https://127.0.0.1:port</summary>
    string Url { get; }

    string AdminToken { get; }

    string CaCertificatePem { get; }

    /// <summary>A kubeconfig for the admin user (CA and token inside), for the module and for kubectl.</summary>
    string KubeconfigPath { get; }

    /// <summary>The injected latency per request, in milliseconds.</summary>
    int LatencyMs { get; }

    /// <summary>Replaces the injected latency (0: none), and removes every other fault.</summary>
    void SetLatency(int latencyMs);

    /// <summary>Adds a fault (429, 500, reset...) to the requests that match, until the next <see cref="SetLatency"/>.</summary>
    void AddFault(InjectedFault fault);

    /// <summary>Starts recording the ServiceAccount writes the store persists (dispose to stop).</summary>
    ServiceAccountWriteLog RecordServiceAccountWrites();

    /// <summary>Every ServiceAccount as stored, keyed <c>namespace/name</c>, read from the store directly (no request).</summary>
    IReadOnlyDictionary<string, JsonObject> DumpServiceAccounts();

    /// <summary>
    /// Puts every <c>default</c> ServiceAccount back exactly as the scenario generated it (whole objects, taken
    /// from the store when the cluster started), in the store directly, sending no request: the fresh scenario
    /// again, for a workload that changes them. Checks the result against the generated objects.
    /// </summary>
    ScenarioRestore RestoreGeneratedDefaultServiceAccounts();

    /// <summary>How many requests the log holds: a window starts here.</summary>
    int RequestCount { get; }

    /// <summary>The requests logged from position <paramref name="start"/> on, in order.</summary>
    IReadOnlyList<ObservedRequest> RequestsSince(int start);
}
