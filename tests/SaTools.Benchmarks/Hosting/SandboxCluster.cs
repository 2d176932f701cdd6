using System.Text.Json.Nodes;
using KubeSandbox;
using KubeSandbox.Faults;

namespace SaTools.Benchmarks.Hosting;

/// <summary>The sandbox fixture (tests/KubeSandbox) started in-process with the scale scenario and a global
/// latency fault, seen through <see cref="IBenchCluster"/>.</summary>
public sealed class SandboxCluster : IBenchCluster
{
    private readonly SandboxServer _server;

    private SandboxCluster(SandboxServer server, string kubeconfigPath)
    {
        _server = server;
        KubeconfigPath = kubeconfigPath;
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
        var kubeconfig = Path.Combine(workDirectory, $"kubeconfig-{server.Port}");
        server.WriteKubeconfig(kubeconfig, contextName: "sandbox");
        var cluster = new SandboxCluster(server, kubeconfig);
        cluster.SetLatency(latencyMs);
        return cluster;
    }

    public void SetLatency(int latencyMs)
    {
        _server.Faults.Clear();
        if (latencyMs > 0)
        {
            // Every request, whoever sends it: the request count matters as it does over a real network.
            _server.Faults.Add(FaultKind.Latency, delay: TimeSpan.FromMilliseconds(latencyMs));
        }
        LatencyMs = latencyMs;
    }

    public void RestoreAutomount(IEnumerable<(string Namespace, string Name, bool? Automount)> serviceAccounts)
    {
        foreach (var (ns, name, automount) in serviceAccounts)
        {
            _server.Store.Mutate("serviceaccounts", ns, name, sa =>
            {
                if (automount is { } value) sa["automountServiceAccountToken"] = JsonValue.Create(value);
                else sa.Remove("automountServiceAccountToken");
            });
        }
    }

    public string Url => _server.Url;

    public string AdminToken => _server.AdminToken;

    public string CaCertificatePem => _server.CaCertificatePem;

    public string KubeconfigPath { get; }

    public int LatencyMs { get; private set; }

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
