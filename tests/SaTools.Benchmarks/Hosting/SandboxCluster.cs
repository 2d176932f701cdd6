using System.Text.Json.Nodes;
using KubeSandbox;
using KubeSandbox.Faults;

namespace SaTools.Benchmarks.Hosting;

/// <summary>The sandbox fixture (tests/KubeSandbox) started in-process with the scale scenario and a global
/// latency fault, seen through <see cref="IBenchCluster"/>.</summary>
public sealed class SandboxCluster : IBenchCluster
{
    private const string ServiceAccounts = "serviceaccounts";
    private const string DefaultName = "default";

    private readonly SandboxServer _server;

    /// <summary>The default ServiceAccounts as the scenario generated them, copied from the store at start.</summary>
    private readonly IReadOnlyList<JsonObject> _generatedDefaults;

    private SandboxCluster(SandboxServer server, string kubeconfigPath)
    {
        _server = server;
        KubeconfigPath = kubeconfigPath;
        _generatedDefaults = server.Store.List(ServiceAccounts, null)
            .Where(sa => sa["metadata"]?["name"]?.GetValue<string>() == DefaultName)
            .ToList();
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

    public void AddFault(InjectedFault fault) =>
        _server.Faults.Add(fault.Kind, fault.PathPrefix, fault.Probability, fault.Times, method: fault.Method);

    public ServiceAccountWriteLog RecordServiceAccountWrites() => new(_server.Store);

    public IReadOnlyDictionary<string, JsonObject> DumpServiceAccounts() =>
        _server.Store.List(ServiceAccounts, null).ToDictionary(
            sa => $"{sa["metadata"]!["namespace"]!.GetValue<string>()}/{sa["metadata"]!["name"]!.GetValue<string>()}",
            StringComparer.Ordinal);

    public ScenarioRestore RestoreGeneratedDefaultServiceAccounts()
    {
        var rewritten = 0;
        var differing = 0;
        foreach (var generated in _generatedDefaults)
        {
            var ns = generated["metadata"]!["namespace"]!.GetValue<string>();
            var before = _server.Store.GetStored(ServiceAccounts, ns, DefaultName)!.ResourceVersion;
            // Update keeps uid and creationTimestamp (equal to the generated ones anyway), gives a new
            // resourceVersion, and writes nothing when the object already equals the generated one.
            var after = _server.Store.Update(ServiceAccounts, ns, DefaultName, _ => generated.DeepClone().AsObject());
            if (after.ResourceVersion != before) rewritten++;
            if (!SameIgnoringResourceVersion(generated, _server.Store.Get(ServiceAccounts, ns, DefaultName))) differing++;
        }
        return new ScenarioRestore(_generatedDefaults.Count, rewritten, differing);
    }

    private static bool SameIgnoringResourceVersion(JsonObject generated, JsonObject? stored)
    {
        if (stored is null) return false;
        var a = generated.DeepClone().AsObject();
        a["metadata"]!.AsObject().Remove("resourceVersion");
        stored["metadata"]!.AsObject().Remove("resourceVersion");
        return JsonNode.DeepEquals(a, stored);
    }

    public string Url => _server.Url;

    public string AdminToken => _server.AdminToken;

    public string CaCertificatePem => _server.CaCertificatePem;

    public string KubeconfigPath { get; }

    public int LatencyMs { get; private set; }

    public int RequestCount => _server.Requests.Count;

    public IReadOnlyList<ObservedRequest> RequestsSince(int start) =>
        _server.Requests.Snapshot().Skip(start)
            .Select(r => new ObservedRequest(r.Time, r.Method, r.Path, r.Query, r.Status, r.Fault))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        try { File.Delete(KubeconfigPath); } catch (IOException) { }
    }
}
