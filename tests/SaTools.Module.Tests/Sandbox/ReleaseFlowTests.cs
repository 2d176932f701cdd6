using System.Management.Automation;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox;

namespace SaTools.Module.Tests.Sandbox;

/// <summary>
/// Two demo sandboxes, one per Kubernetes release the sandbox knows: 1.26 (what ../shared/k8s/recorded judges)
/// signing RS256, and 1.33 (the default) signing ES384 with a P-384 key, as a cluster given an EC key does.
/// </summary>
public sealed class ReleaseSandboxes : IAsyncLifetime
{
    private readonly Dictionary<string, (SandboxServer Server, string Kubeconfig)> byVersion = new(StringComparer.Ordinal);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "satools-releases-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var (version, algorithm) in new[] { ("1.26", "RS256"), ("1.33", "ES384") })
        {
            var server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "demo", KubernetesVersion = version, SigningAlgorithm = algorithm });
            byVersion[version] = (server, server.WriteKubeconfig(Path.Combine(Directory, $"admin-{version}.yaml")));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var (server, _) in byVersion.Values)
        {
            await server.DisposeAsync();
        }
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    public SandboxServer Server(string version) => byVersion[version].Server;

    public string Kubeconfig(string version) => byVersion[version].Kubeconfig;

    public async Task<JsonObject> GetAsync(string version, string path)
    {
        using var client = Server(version).CreateClient();
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task SendAsync(string version, HttpMethod method, string path, JsonObject body, string contentType = "application/json")
    {
        using var client = Server(version).CreateClient();
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

/// <summary>
/// The module's main flows on both releases: Get-K8sServiceAccount, Get-K8sEffectivePermission,
/// New-K8sBoundToken | Test-K8sTokenReview (online and -Offline, pod-bound and Node-bound) and Get-K8sLegacyToken.
/// Each difference asserted is one the sandbox's KubernetesRelease cites: jti and credential id
/// (ServiceAccountTokenJTI, GA 1.32), the pod's node in its token (ServiceAccountTokenPodNodeInfo, GA 1.32),
/// Node-bound tokens (ServiceAccountTokenNodeBinding, GA 1.33), basic-user's selfsubjectreviews (GA 1.28).
/// </summary>
public sealed class ReleaseFlowTests : IClassFixture<ReleaseSandboxes>, IDisposable
{
    private readonly ReleaseSandboxes sandboxes;
    private readonly ModuleSession session = new();

    public ReleaseFlowTests(ReleaseSandboxes sandboxes) => this.sandboxes = sandboxes;

    public void Dispose() => session.Dispose();

    private ModuleSession.Result Run(string version, string script, params object?[] args) =>
        session.RunCapturing(script, new object?[] { sandboxes.Kubeconfig(version) }.Concat(args).ToArray());

    private static T Get<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    private static bool Current(string version) => version == "1.33";

    [Theory]
    [InlineData("1.26")]
    [InlineData("1.33")]
    public async Task GetServiceAccountListsEveryServiceAccountTheControlPlaneIncluded(string version)
    {
        var result = Run(version, "Get-K8sServiceAccount -Kubeconfig $args[0] -AllNamespaces");

        Assert.Empty(result.AllErrors);
        var listed = result.Output.Select(o => Get<string>(o, "Namespace") + "/" + Get<string>(o, "Name")).ToHashSet();
        var stored = (await sandboxes.GetAsync(version, "/api/v1/serviceaccounts"))["items"]!.AsArray()
            .Select(i => i!["metadata"]!["namespace"]!.GetValue<string>() + "/" + i["metadata"]!["name"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(stored.Count, result.Output.Count);
        Assert.Subset(stored, listed);
        Assert.Contains("payments/ledger", listed);
        // The controllers' accounts the default bindings name (system:controller:cronjob-controller...).
        Assert.Contains("kube-system/cronjob-controller", listed);
    }

    [Theory]
    [InlineData("1.26")]
    [InlineData("1.33")]
    public void GetEffectivePermissionRatesTheReleasesDefaultsAsNone(string version)
    {
        var result = Run(version, "Get-K8sEffectivePermission -Kubeconfig $args[0] -Namespace payments -Name gateway");

        Assert.Empty(result.AllErrors);
        var defaults = result.Output.Where(r => Get<string>(r, "GrantedVia") is "system:authenticated" or "system:serviceaccounts").ToList();
        Assert.Equal(new[] { "system:basic-user", "system:discovery", "system:public-info-viewer", "system:service-account-issuer-discovery" },
            defaults.Select(r => Get<string>(r, "RoleName")).Distinct().OrderBy(n => n, StringComparer.Ordinal));
        Assert.All(defaults, r => Assert.Equal("None", Get<string>(r, "RiskLevel")));
        // kubectl auth whoami: system:basic-user may create selfsubjectreviews from 1.28 (policy.go).
        var whoami = defaults.Where(r => Get<string>(r, "RoleName") == "system:basic-user"
            && Get<IEnumerable<string>>(r, "Resources").Contains("selfsubjectreviews")).ToList();
        Assert.Equal(Current(version) ? 1 : 0, whoami.Count);
    }

    [Theory]
    [InlineData("1.26")]
    [InlineData("1.33")]
    public async Task APodBoundTokenShowsItsIdAndNodeOnlineAndOffline(string version)
    {
        var pod = await sandboxes.GetAsync(version, "/api/v1/namespaces/payments/pods/ledger-0");
        var nodeName = pod["spec"]!["nodeName"]!.GetValue<string>();
        var nodeUid = (await sandboxes.GetAsync(version, $"/api/v1/nodes/{nodeName}"))["metadata"]!["uid"]!.GetValue<string>();

        var result = Run(version, """
            $t = New-K8sBoundToken -Kubeconfig $args[0] -Namespace payments -ServiceAccount ledger -BoundObjectKind Pod -BoundObjectName ledger-0 -AsPlainText
            $t
            $t | Test-K8sTokenReview -Kubeconfig $args[0]
            $t | Test-K8sTokenReview -Kubeconfig $args[0] -Offline
            """);

        Assert.Empty(result.AllErrors);
        Assert.Equal(3, result.Output.Count);
        var (minted, online, offline) = (result.Output[0], result.Output[1], result.Output[2]);
        Assert.Equal(Current(version) ? "ES384" : "RS256", AlgorithmOf(Get<string>(minted, "Token")));
        Assert.True(Get<bool>(online, "Authenticated"), Get<string>(online, "Error"));
        Assert.True(Get<bool>(offline, "Authenticated"), Get<string>(offline, "Error"));
        Assert.Equal("Offline", Get<string>(offline, "Method"));

        var tokenId = Get<string>(minted, "TokenId");
        if (Current(version))
        {
            Assert.False(string.IsNullOrEmpty(tokenId));
            foreach (var shown in new[] { minted, online, offline })
            {
                Assert.Equal(tokenId, Get<string>(shown, "TokenId"));
                Assert.Equal("JTI=" + tokenId, Get<string>(shown, "CredentialId"));
                Assert.Equal(nodeName, Get<string>(shown, "NodeName"));
                Assert.Equal(nodeUid, Get<string>(shown, "NodeUid"));
            }
            Assert.Contains("authentication.kubernetes.io/credential-id=JTI=" + tokenId, Get<IEnumerable<string>>(online, "Extra"));
            Assert.Contains("authentication.kubernetes.io/node-name=" + nodeName, Get<IEnumerable<string>>(online, "Extra"));
            // Offline shows what the JWT says, in the same extra keys the TokenReview used.
            Assert.Equal(Get<IEnumerable<string>>(online, "Extra"), Get<IEnumerable<string>>(offline, "Extra"));
        }
        else
        {
            foreach (var shown in new[] { minted, online, offline })
            {
                Assert.Null(Get<string>(shown, "TokenId"));
                Assert.Null(Get<string>(shown, "CredentialId"));
                Assert.Null(Get<string>(shown, "NodeName"));
            }
        }
        Assert.Equal("Pod/ledger-0", Get<string>(online, "BoundObject"));
        Assert.Equal("ledger-0", Get<string>(online, "PodName"));
    }

    [Theory]
    [InlineData("1.26")]
    [InlineData("1.33")]
    public async Task ANodeBoundTokenWorksFrom133(string version)
    {
        var nodeName = (await sandboxes.GetAsync(version, "/api/v1/namespaces/payments/pods/ledger-0"))["spec"]!["nodeName"]!.GetValue<string>();
        var nodeUid = (await sandboxes.GetAsync(version, $"/api/v1/nodes/{nodeName}"))["metadata"]!["uid"]!.GetValue<string>();

        var result = Run(version, """
            $t = New-K8sBoundToken -Kubeconfig $args[0] -Namespace payments -ServiceAccount ledger -BoundObjectKind Node -BoundObjectName $args[1]
            $t
            if ($t) { $t | Test-K8sTokenReview -Kubeconfig $args[0]; $t | Test-K8sTokenReview -Kubeconfig $args[0] -Offline }
            """, nodeName);

        if (!Current(version))
        {
            // Before ServiceAccountTokenNodeBinding token.go answers 400 "cannot bind token to object of type".
            var error = Assert.Single(result.AllErrors);
            Assert.Equal("NewK8sBoundTokenBindingUnsupported,SaTools.Commands.NewK8sBoundTokenCommand", error.FullyQualifiedErrorId);
            Assert.Contains("cannot bind token to object of type", error.Exception.Message);
            Assert.Empty(result.Output);
            return;
        }

        Assert.Empty(result.AllErrors);
        Assert.Equal(3, result.Output.Count);
        var (minted, online, offline) = (result.Output[0], result.Output[1], result.Output[2]);
        Assert.Equal($"Node/{nodeName}", Get<string>(minted, "BoundObject"));
        Assert.Equal(nodeUid, Get<string>(minted, "BoundObjectUid"));
        foreach (var shown in new[] { minted, online, offline })
        {
            Assert.Equal(nodeName, Get<string>(shown, "NodeName"));
            Assert.Equal(nodeUid, Get<string>(shown, "NodeUid"));
            Assert.StartsWith("JTI=", Get<string>(shown, "CredentialId"));
        }
        Assert.True(Get<bool>(online, "Authenticated"), Get<string>(online, "Error"));
        Assert.Equal("system:serviceaccount:payments:ledger", Get<string>(online, "UserName"));
        Assert.Null(Get<string>(online, "PodName"));
        Assert.True(Get<bool>(offline, "Authenticated"), Get<string>(offline, "Error"));
        Assert.Contains(Get<IEnumerable<string>>(offline, "Limitations"), l => l.Contains($"bound Node '{nodeName}'"));
    }

    [Theory]
    [InlineData("1.26")]
    [InlineData("1.33")]
    public async Task GetLegacyTokenTellsTheCleanersLabelFromAHandSetOne(string version)
    {
        // A hand-set label: an auto-generated token (listed in its ServiceAccount's secrets) created today and
        // labelled today, which the cleaner would leave alone for a year.
        var today = sandboxes.Server(version).Clock.UtcNow.UtcDateTime.ToString("yyyy-MM-dd");
        await sandboxes.SendAsync(version, HttpMethod.Post, "/api/v1/namespaces/legacy-apps/serviceaccounts",
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = "archiver" } });
        await sandboxes.SendAsync(version, HttpMethod.Post, "/api/v1/namespaces/legacy-apps/secrets", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = "kubernetes.io/service-account-token",
            ["metadata"] = new JsonObject
            {
                ["name"] = "archiver-token",
                ["annotations"] = new JsonObject { ["kubernetes.io/service-account.name"] = "archiver" },
                ["labels"] = new JsonObject { ["kubernetes.io/legacy-token-invalid-since"] = today },
            },
        });
        await sandboxes.SendAsync(version, HttpMethod.Patch, "/api/v1/namespaces/legacy-apps/serviceaccounts/archiver",
            new JsonObject { ["secrets"] = new JsonArray(new JsonObject { ["name"] = "archiver-token" }) }, "application/merge-patch+json");

        var result = Run(version, "Get-K8sLegacyToken -Kubeconfig $args[0] -Namespace legacy-apps");

        Assert.Empty(result.AllErrors);
        var byName = result.Output.ToDictionary(o => Get<string>(o, "Name"));
        var manual = byName["archiver-token"];
        Assert.Equal("Invalidated", Get<string>(manual, "Status"));
        Assert.True(Get<bool>(manual, "AutoGenerated"));
        Assert.Equal("Manual", Get<string>(manual, "InvalidatedBy"));
        Assert.Contains($"less than the clean-up period (365 days) before the label date {today}", Get<string>(manual, "InvalidationEvidenceList"));

        // The demo's old-deployer-token is what the cleaner labels: auto-generated years ago, unused for over a
        // year, mounted by no pod, labelled a month ago.
        var cleaned = byName["old-deployer-token"];
        Assert.Equal("Invalidated", Get<string>(cleaned, "Status"));
        Assert.True(Get<bool>(cleaned, "AutoGenerated"));
        Assert.Equal("CleanUpController", Get<string>(cleaned, "InvalidatedBy"));
        Assert.Equal(string.Empty, Get<string>(cleaned, "InvalidationEvidenceList"));

        Assert.Null(Get<string>(byName["reporter-token"], "InvalidatedBy"));
    }

    private static string AlgorithmOf(string token)
    {
        var header = token.Split('.')[0].Replace('-', '+').Replace('_', '/');
        header += new string('=', (4 - header.Length % 4) % 4);
        return JsonNode.Parse(Convert.FromBase64String(header))!["alg"]!.GetValue<string>();
    }
}
