using System.Management.Automation;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox;

namespace SaTools.Module.Tests.Hardening;

/// <summary>
/// A fresh sandbox (demo scenario) per test, a kubeconfig for it, and a runspace with SaTools imported whose
/// cmdlets use that kubeconfig by default. The admin HTTP client sets up extra objects and reads the cluster back,
/// so assertions look at what the server holds, not at what the cmdlet says.
/// </summary>
public sealed class HardeningSandbox : IAsyncDisposable
{
    private readonly string _dir;

    private HardeningSandbox(SandboxServer server, string dir)
    {
        Server = server;
        _dir = dir;
        Kubeconfig = server.WriteKubeconfig(Path.Combine(dir, "admin.yaml"));
        Admin = server.CreateClient();
        Session = new ModuleSession();
        UseKubeconfig(Kubeconfig);
    }

    public SandboxServer Server { get; }
    public ModuleSession Session { get; }
    public HttpClient Admin { get; }
    public string Kubeconfig { get; }
    public string Directory => _dir;

    public static async Task<HardeningSandbox> StartAsync()
    {
        var server = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "demo" });
        var dir = Path.Combine(Path.GetTempPath(), "satools-hardening-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        return new HardeningSandbox(server, dir);
    }

    /// <summary>Makes every SaTools cmdlet of the session use this kubeconfig unless told otherwise.</summary>
    public void UseKubeconfig(string path) =>
        Session.Run("$PSDefaultParameterValues['*-K8s*:Kubeconfig'] = $args[0]", path);

    /// <summary>A kubeconfig that authenticates as a ServiceAccount of the sandbox.</summary>
    public async Task<string> KubeconfigForAsync(string ns, string serviceAccount)
    {
        var token = await Server.CreateTokenAsync(ns, serviceAccount);
        return Server.WriteKubeconfig(Path.Combine(_dir, $"{ns}-{serviceAccount}.yaml"), token);
    }

    public ModuleSession.Result Run(string script, params object?[] args) => Session.RunCapturing(script, args);

    // ---- Cluster access as admin ----

    public async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        using var response = await Admin.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: HTTP {(int)response.StatusCode} {text}");
        }
        return JsonNode.Parse(text)!.AsObject();
    }

    public Task<JsonObject> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public async Task<int> StatusOfGetAsync(string path)
    {
        using var response = await Admin.GetAsync(path);
        return (int)response.StatusCode;
    }

    public async Task NamespaceAsync(string name)
    {
        await SendAsync(HttpMethod.Post, "/api/v1/namespaces", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } });
        // The sandbox's namespace controller creates the default ServiceAccount; wait until it is there.
        for (var i = 0; i < 100 && await StatusOfGetAsync($"/api/v1/namespaces/{name}/serviceaccounts/default") != 200; i++)
        {
            await Task.Delay(20);
        }
    }

    public Task<JsonObject> ServiceAccountAsync(string ns, string name, bool? automount = null, params string[] secrets)
    {
        var sa = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } };
        if (automount is { } a) sa["automountServiceAccountToken"] = a;
        if (secrets.Length > 0) sa["secrets"] = new JsonArray(secrets.Select(s => (JsonNode)new JsonObject { ["name"] = s }).ToArray());
        return SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/serviceaccounts", sa);
    }

    public Task<JsonObject> PatchServiceAccountAsync(string ns, string name, JsonObject mergePatch) =>
        SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/serviceaccounts/{name}", mergePatch, "application/merge-patch+json");

    public Task<JsonObject> PodAsync(string ns, string name, string? serviceAccount = null, bool? automount = null,
        JsonArray? volumes = null, JsonArray? containers = null, JsonArray? owners = null, JsonObject? labels = null)
    {
        var spec = new JsonObject();
        if (serviceAccount is not null) spec["serviceAccountName"] = serviceAccount;
        if (automount is { } a) spec["automountServiceAccountToken"] = a;
        if (volumes is not null) spec["volumes"] = volumes;
        spec["containers"] = containers ?? new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "registry.example.com/app:1.0" });
        var meta = new JsonObject { ["name"] = name };
        if (owners is not null) meta["ownerReferences"] = owners;
        if (labels is not null) meta["labels"] = labels;
        return SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", new JsonObject { ["metadata"] = meta, ["spec"] = spec });
    }

    /// <summary>
    /// Creates an apps/v1 or batch/v1 workload (deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs)
    /// whose pod template carries <c>app: name</c>, owned by <paramref name="owner"/> when given (a stored object:
    /// its uid goes in the ownerReference, as a controller writes it). Returns the stored object.
    /// </summary>
    public Task<JsonObject> WorkloadAsync(string ns, string plural, string name, JsonObject? owner = null, JsonObject? labels = null)
    {
        var group = plural is "jobs" or "cronjobs" ? "batch" : "apps";
        var podSpec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "registry.example.com/app:1.0" }) };
        if (group == "batch") podSpec["restartPolicy"] = "Never";
        var template = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } }, ["spec"] = podSpec };
        var spec = new JsonObject();
        if (plural == "cronjobs")
        {
            spec["schedule"] = "0 3 * * *";
            spec["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = template } };
        }
        else
        {
            if (group == "apps") spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } };
            spec["template"] = template;
        }
        var meta = new JsonObject { ["name"] = name };
        if (labels is not null) meta["labels"] = labels;
        if (owner is not null) meta["ownerReferences"] = OwnedBy(owner);
        return SendAsync(HttpMethod.Post, $"/apis/{group}/v1/namespaces/{ns}/{plural}", new JsonObject { ["metadata"] = meta, ["spec"] = spec });
    }

    /// <summary>The controller ownerReference to a stored object, with its real uid.</summary>
    public static JsonArray OwnedBy(JsonObject owner) => new(new JsonObject
    {
        ["apiVersion"] = owner["apiVersion"]!.GetValue<string>(),
        ["kind"] = owner["kind"]!.GetValue<string>(),
        ["name"] = owner["metadata"]!["name"]!.GetValue<string>(),
        ["uid"] = owner["metadata"]!["uid"]!.GetValue<string>(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    });

    public static JsonArray Owner(string kind, string name, string apiVersion = "apps/v1") =>
        new(new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["name"] = name, ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true });

    /// <summary>Every ServiceAccount in the cluster, keyed "ns/name", as the server stores it.</summary>
    public async Task<Dictionary<string, JsonObject>> DumpServiceAccountsAsync()
    {
        var list = await GetAsync("/api/v1/serviceaccounts");
        return list["items"]!.AsArray().Select(i => i!.AsObject())
            .ToDictionary(i => $"{i["metadata"]!["namespace"]}/{i["metadata"]!["name"]}", i => i);
    }

    public async Task<List<string>> NamespacesAsync()
    {
        var list = await GetAsync("/api/v1/namespaces");
        return list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToList();
    }

    /// <summary>The write requests (anything but GET) the sandbox has served since <paramref name="since"/>.</summary>
    public List<KubeSandbox.Hosting.RequestRecord> Writes(int since = 0) =>
        Server.Requests.Snapshot().Skip(since).Where(r => r.Method != "GET").ToList();

    public async ValueTask DisposeAsync()
    {
        Session.Dispose();
        Admin.Dispose();
        await Server.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static string Prop(PSObject o, string name) => o.Properties[name]?.Value?.ToString() ?? "";
}
