using System.Text.Json.Nodes;
using KubeSandbox;
using SaTools.Engine.Audit;
using SaTools.Engine.Connection;

namespace SaTools.Engine.Tests.Audit;

/// <summary>The audit reads one list per kind and nothing else, the pods list (the longest) first on the wire, and
/// what it keeps of each object answers as the whole objects do.</summary>
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

    [Fact]
    public async Task WhatTheReadKeepsGivesTheFindingsOfTheWholeObjects()
    {
        using var connection = await ConnectAsync();
        var read = await new AuditSnapshotReader(connection.Api).ReadAsync(null, default);

        // The same objects whole, as `kubectl get ... -A -o json` exports them for -InputFile: every field the read
        // leaves unparsed (ListFields: pods', RBAC objects' and ServiceAccounts') is there.
        string[] kinds = ["namespaces", "pods", "secrets", "serviceaccounts", "replicasets", "jobs", "roles", "rolebindings", "clusterroles", "clusterrolebindings"];
        var items = new JsonArray(kinds.SelectMany(kind => _server.Store.Snapshot(kind, null, out _)).Select(o => (JsonNode)o.Object).ToArray());
        var file = Path.Combine(_dir.FullName, "dump.json");
        File.WriteAllText(file, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items }.ToJsonString());
        var whole = AuditManifestLoader.LoadFiles([file]);

        var now = DateTime.UtcNow;
        string[] Findings(AuditSnapshot snapshot) => AuditEvaluator.Evaluate(snapshot, null, null, now)
            .SelectMany(o => o.Findings.Select(f => $"{f.CheckId} ({o.Evaluated}) {f.Severity} {f.Kind} {f.Namespace}/{f.Name}: {f.Message} | {f.Remediation}"))
            .ToArray();
        var expected = Findings(whole);
        Assert.Contains(expected, f => f.StartsWith("SA07 ", StringComparison.Ordinal));
        Assert.Equal(expected, Findings(read));
    }
}
