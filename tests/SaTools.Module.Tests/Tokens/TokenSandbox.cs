using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox;

namespace SaTools.Module.Tests.Tokens;

/// <summary>One sandbox for the token tests (bootstrap scenario), a kubeconfig for it, and admin helpers that set
/// up objects the way a test needs them. Each test works in a namespace of its own.</summary>
public sealed class TokenSandbox : IAsyncLifetime
{
    private int next;

    public SandboxServer Server { get; private set; } = null!;
    public string Kubeconfig { get; private set; } = null!;
    private HttpClient Admin { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bootstrap" });
        Kubeconfig = Server.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"satools-tokens-{Guid.NewGuid():N}.kubeconfig"));
        Admin = Server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
        File.Delete(Kubeconfig);
    }

    /// <summary>A fresh namespace with a <c>runner</c> and an <c>other</c> ServiceAccount.</summary>
    public async Task<string> NamespaceAsync()
    {
        var ns = $"tok-{Interlocked.Increment(ref next)}";
        await CreateAsync("/api/v1/namespaces", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
        await ServiceAccountAsync(ns, "runner");
        await ServiceAccountAsync(ns, "other");
        return ns;
    }

    public async Task<string> ServiceAccountAsync(string ns, string name) =>
        Uid(await CreateAsync($"/api/v1/namespaces/{ns}/serviceaccounts",
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = name } }));

    public async Task<string> PodAsync(string ns, string name, string serviceAccount) =>
        Uid(await CreateAsync($"/api/v1/namespaces/{ns}/pods", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["serviceAccountName"] = serviceAccount,
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = "registry.k8s.io/pause:3.9" }),
            },
        }));

    /// <summary>A legacy token Secret for the ServiceAccount, once the sandbox's tokens controller filled it in.</summary>
    public async Task<string> LegacyTokenAsync(string ns, string secret, string serviceAccount)
    {
        await CreateAsync($"/api/v1/namespaces/{ns}/secrets", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["type"] = "kubernetes.io/service-account-token",
            ["metadata"] = new JsonObject
            {
                ["name"] = secret,
                ["annotations"] = new JsonObject { ["kubernetes.io/service-account.name"] = serviceAccount },
            },
        });
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var stored = await GetAsync($"/api/v1/namespaces/{ns}/secrets/{secret}");
            if (stored["data"]?["token"]?.GetValue<string>() is { Length: > 0 } b64)
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            }
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"The sandbox did not fill in the legacy token Secret {ns}/{secret}.");
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonObject> CreateAsync(string path, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Admin.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task DeleteAsync(string path)
    {
        using var response = await Admin.DeleteAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"DELETE {path}: {(int)response.StatusCode}");
    }

    public async Task MergePatchAsync(string path, JsonObject patch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path)
        {
            Content = new StringContent(patch.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using var response = await Admin.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"PATCH {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static string Uid(JsonObject o) => o["metadata"]!["uid"]!.GetValue<string>();
}
