using KubeSandbox;

namespace SaTools.Module.Tests.Sandbox;

/// <summary>A sandbox with the demo scenario and an admin kubeconfig, shared by a test class.</summary>
public class SandboxFixture : IAsyncLifetime
{
    public SandboxServer Sandbox { get; private set; } = null!;

    /// <summary>Admin kubeconfig, context <c>sandbox</c>.</summary>
    public string Kubeconfig { get; private set; } = null!;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "satools-sandbox-" + Guid.NewGuid().ToString("N"));

    protected virtual SandboxOptions Options => new() { Scenario = "demo" };

    public virtual async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Sandbox = await SandboxServer.StartAsync(Options);
        Kubeconfig = Sandbox.WriteKubeconfig(Path.Combine(Directory, "admin.yaml"));
    }

    public async Task DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>Every ServiceAccount the sandbox holds, read with its own admin client (not the engine).</summary>
    public async Task<List<(string Namespace, string Name, string Uid)>> ServiceAccountsAsync(string? ns = null)
    {
        using var client = Sandbox.CreateClient();
        var path = ns is null ? "/api/v1/serviceaccounts" : $"/api/v1/namespaces/{ns}/serviceaccounts";
        var list = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync(path))!;
        return list["items"]!.AsArray().Select(i => (
            i!["metadata"]!["namespace"]!.GetValue<string>(),
            i["metadata"]!["name"]!.GetValue<string>(),
            i["metadata"]!["uid"]!.GetValue<string>())).ToList();
    }

    /// <summary>Waits until the namespace controller has given <paramref name="ns"/> its default ServiceAccount.</summary>
    public async Task WaitForDefaultServiceAccountAsync(string ns)
    {
        using var client = Sandbox.CreateClient();
        for (var i = 0; i < 200; i++)
        {
            using var r = await client.GetAsync($"/api/v1/namespaces/{ns}/serviceaccounts/default");
            if (r.IsSuccessStatusCode) return;
            await Task.Delay(25);
        }
        throw new TimeoutException($"no default ServiceAccount in {ns}");
    }

    /// <summary>Creates an object through the sandbox's API as admin.</summary>
    public async Task CreateAsync(string path, string json)
    {
        using var client = Sandbox.CreateClient();
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.Conflict)
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

/// <summary>The size: 20,000 ServiceAccounts in 2,000 namespaces (40+ pages of 500), for paging, streaming, retries and Ctrl+C.</summary>
public sealed class ScaleSandboxFixture : SandboxFixture
{
    public const int ServiceAccountCount = 20000;

    protected override SandboxOptions Options => new()
    {
        Scenario = "scale",
        Scale = new ScaleOptions
        {
            Namespaces = 2000, ServiceAccounts = ServiceAccountCount, Pods = 0, Roles = 0, RoleBindings = 0,
            ClusterRoles = 0, ClusterRoleBindings = 0, LegacySecrets = 0,
        },
    };
}
