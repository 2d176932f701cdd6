using KubeSandbox;
using KubeSandbox.Faults;

namespace SaTools.Benchmarks.Hosting;

/// <summary>The sandbox fixture (tests/KubeSandbox) started in-process with the scale scenario and a global
/// latency fault, seen through <see cref="IBenchCluster"/>.</summary>
public sealed class SandboxCluster : IBenchCluster
{
    private readonly SandboxServer _server;

    private SandboxCluster(SandboxServer server, string kubeconfigPath, int latencyMs)
    {
        _server = server;
        KubeconfigPath = kubeconfigPath;
        LatencyMs = latencyMs;
    }

    public static async Task<SandboxCluster> StartAsync(ScaleSpec scale, int latencyMs, string workDirectory)
    {
        var server = await SandboxServer.StartAsync(new SandboxOptions
        {
            Scenario = "scale",
            Scale = new ScaleOptions
            {
                Namespaces = scale.Namespaces,
                ServiceAccounts = scale.ServiceAccounts,
                Pods = scale.Pods,
                Roles = scale.Roles,
                RoleBindings = scale.RoleBindings,
                ClusterRoles = scale.ClusterRoles,
                ClusterRoleBindings = scale.ClusterRoleBindings,
                LegacySecrets = scale.LegacySecrets,
            },
        }).ConfigureAwait(false);
        if (latencyMs > 0)
        {
            // Every request, whoever sends it: the request count matters as it does over a real network.
            server.Faults.Add(FaultKind.Latency, delay: TimeSpan.FromMilliseconds(latencyMs));
        }
        var kubeconfig = Path.Combine(workDirectory, $"kubeconfig-{new Uri(server.Url).Port}");
        server.WriteKubeconfig(kubeconfig, contextName: "sandbox");
        return new SandboxCluster(server, kubeconfig, latencyMs);
    }

    public string Url => _server.Url;

    public string AdminToken => _server.AdminToken;

    public string CaCertificatePem => _server.CaCertificatePem;

    public string KubeconfigPath { get; }

    public int LatencyMs { get; }

    public int RequestCount => _server.Requests.Count;

    public IReadOnlyList<ObservedRequest> RequestsSince(int start) =>
        _server.Requests.Snapshot().Skip(start)
            .Select(r => new ObservedRequest(r.Time, r.Method, r.Path, r.Query, r.Status))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        try { File.Delete(KubeconfigPath); } catch (IOException) { }
    }
}
