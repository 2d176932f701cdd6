using KubeSandbox;
using SaTools.Engine.Audit;
using SaTools.Engine.Connection;

namespace SaTools.Engine.Tests.Audit;

/// <summary>The audit reads one list per kind and nothing else, the pods list (the longest) first on the wire.</summary>
public sealed class AuditSnapshotReaderTests : IAsyncLifetime
{
    private SandboxServer _server = null!;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("satools-auditreader-");

    public async Task InitializeAsync() =>
        _server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "audit" });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private async Task<KubeConnection> ConnectAsync() =>
        await KubeConnection.OpenAsync(
            new ConnectionOptions { KubeconfigPath = _server.WriteKubeconfig(Path.Combine(_dir.FullName, "kc.yaml")) }, default);

    [Fact]
    public async Task ThePodsListIsOnTheWireFirstAndEachKindIsListedOnce()
    {
        using var connection = await ConnectAsync();
        // One list at a time: the order the lists get their slot is the order of the requests.
        connection.Api.ListConcurrency = 1;
        _server.Requests.Clear();

        var snapshot = await new AuditSnapshotReader(connection.Api).ReadAsync(null, default);

        var requests = _server.Requests.Snapshot();
        Assert.Equal("/api/v1/pods", requests[0].Path);
        Assert.Equal(
            new[]
            {
                "/api/v1/namespaces", "/api/v1/pods", "/api/v1/secrets", "/api/v1/serviceaccounts",
                "/apis/apps/v1/replicasets", "/apis/batch/v1/jobs",
                "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
                "/apis/rbac.authorization.k8s.io/v1/rolebindings", "/apis/rbac.authorization.k8s.io/v1/roles",
            },
            requests.Select(r => r.Path).OrderBy(p => p, StringComparer.Ordinal));
        Assert.All(requests, r => Assert.Equal(("GET", 200), (r.Method, r.Status)));
        Assert.True(snapshot.PodCount > 0);
        Assert.NotNull(snapshot.Permissions);
    }
}
