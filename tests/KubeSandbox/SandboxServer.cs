using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox.Admission;
using KubeSandbox.Api;
using KubeSandbox.Controllers;
using KubeSandbox.Discovery;
using KubeSandbox.Faults;
using KubeSandbox.Hosting;
using KubeSandbox.Http;
using KubeSandbox.OpenApi;
using KubeSandbox.Scenarios;
using KubeSandbox.Security;
using KubeSandbox.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeSandbox;

/// <summary>
/// A running sandbox: a Kubernetes API emulator on https://127.0.0.1:port with its own CA. Start one per test
/// class (it starts in well under a second for the bootstrap and demo scenarios) and dispose it at the end.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CertificateAuthority _ca;

    private SandboxServer(WebApplication app, CertificateAuthority ca, ServerIdentity identity, IServiceProvider services)
    {
        _app = app;
        _ca = ca;
        Identity = identity;
        Services = services;
        Store = services.GetRequiredService<InMemoryObjectStore>();
        Requests = services.GetRequiredService<RequestLog>();
        Faults = services.GetRequiredService<FaultInjector>();
        Clock = services.GetRequiredService<SandboxClock>();
        PodLogs = services.GetRequiredService<PodLogs>();
    }

    /// <summary>https://127.0.0.1:port</summary>
    public string Url => Identity.Url;
    public int Port => new Uri(Identity.Url).Port;
    public string CaCertificatePem => Identity.CaCertificatePem;
    /// <summary>Bearer token of user sandbox-admin in group system:masters.</summary>
    public string AdminToken => Identity.AdminToken;
    public ServerIdentity Identity { get; }
    public IServiceProvider Services { get; }
    /// <summary>The sandbox's objects (read them, or change them behind the API's back).</summary>
    public InMemoryObjectStore Store { get; }
    public RequestLog Requests { get; }
    public FaultInjector Faults { get; }
    public SandboxClock Clock { get; }
    /// <summary>What <c>kubectl logs</c> reads: add lines a scenario pod's container "wrote".</summary>
    public PodLogs PodLogs { get; }

    public static async Task<SandboxServer> StartAsync(SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxOptions();
        var ca = options.SharedCertificateAuthority ? CertificateAuthority.Shared : CertificateAuthority.Create();
        var adminToken = options.AdminToken ?? NewToken();
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FreePort();
            try
            {
                return await StartOnPortAsync(options, ca, adminToken, port, cancellationToken);
            }
            // Only a failed bind: a missing file is an IOException too, and must not read as "could not bind a port".
            catch (IOException e) when (options.Port == 0 && e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                last = e; // the free port was taken meanwhile: try another
            }
        }
        ca.Dispose();
        throw new InvalidOperationException("could not bind a port for the sandbox", last);
    }

    private static async Task<SandboxServer> StartOnPortAsync(SandboxOptions options, CertificateAuthority ca, string adminToken, int port, CancellationToken ct)
    {
        var url = $"https://127.0.0.1:{port}";
        var identity = new ServerIdentity(url, options.AdvertisedAddress ?? $"127.0.0.1:{port}", ca.CaCertificatePem, adminToken);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 3 * 1024 * 1024;
            k.Listen(IPAddress.Loopback, port, l => l.UseHttps(ca.ServerCertificate));
        });
        builder.Services.AddRoutingCore();
        ConfigureServices(builder.Services, options, identity, ca);
        var app = builder.Build();
        var sp = app.Services;
        var handler = sp.GetRequiredService<ApiHandler>();
        app.Run(ctx => handler.HandleAsync(ctx));
        foreach (var c in sp.GetServices<ISandboxController>()) c.Start();
        ScenarioCatalog.Load(options, sp.GetRequiredService<ScenarioBuilder>());
        // The control plane's periodic work, once over the loaded estate (1.28+: legacy token tracking; 1.30+:
        // the legacy token clean-up).
        var cleaner = sp.GetRequiredService<SecurityServices>().LegacyTokenCleaner;
        cleaner.EnsureTrackingConfigMap();
        cleaner.Run();
        await app.StartAsync(ct);
        return new SandboxServer(app, ca, identity, sp);
    }

    /// <summary>The sandbox's components; <see cref="SandboxOptions.ConfigureServices"/> runs last, so tests can
    /// replace any of them.</summary>
    public static void ConfigureServices(IServiceCollection services, SandboxOptions options, ServerIdentity identity, CertificateAuthority ca)
    {
        var clock = new SandboxClock(options.StartTime);
        var store = new InMemoryObjectStore(() => clock.UtcNow, options.Seed);
        services.AddSingleton(options);
        services.AddSingleton(identity);
        services.AddSingleton(ca);
        services.AddSingleton(clock);
        services.AddSingleton(store);
        services.AddSingleton<IObjectStore>(store);
        services.AddSingleton(new FaultInjector(options.Seed));
        services.AddSingleton<RequestLog>();
        services.AddSingleton(new DiscoveryDocuments(identity.AdvertisedAddress, KubernetesRelease.Parse(options.KubernetesVersion)));
        services.AddSingleton(sp => new ListPager(clock, options.ContinueTokenLifetime));
        services.AddSingleton(sp => new ServiceAccountAdmission(store, options.Seed));
        // /openapi/v3 for what the sandbox serves, and server-side field validation from the same schemas.
        services.AddSingleton(sp =>
        {
            var virtuals = sp.GetServices<IVirtualCreateHandler>().ToList();
            var docs = new OpenApiDocuments((gv, resource) =>
            {
                var parts = gv.Split('/');
                var group = parts[0] == "api" ? "" : parts[1];
                var version = parts[^1];
                var plural = resource.Split('/')[0];
                var sub = resource.Contains('/') ? resource[(resource.IndexOf('/') + 1)..] : "";
                if (virtuals.Any(v => v.Group == group && v.Version == version && v.Resource == plural && (v.Subresource ?? "") == sub)) return true;
                return ResourceCatalog.Find(group, version, plural) is not null && (sub.Length == 0 || OpenApiEndpoints.ServedSubresources.Contains(resource));
            });
            foreach (var g in ResourceCatalog.All.Where(t => t.Group is "apps" or "batch").GroupBy(t => (t.Group, t.Version)))
                docs.AddWorkloadDocument(g.Key.Group, g.Key.Version, g);
            return docs;
        });
        services.AddSingleton<FieldValidation>();
        foreach (var path in OpenApiEndpoints.Paths)
            services.AddSingleton<INonResourceHandler>(sp => new OpenApiEndpoints(path, sp.GetRequiredService<OpenApiDocuments>()));
        services.AddSingleton<ResourceHandler>();
        services.AddSingleton<PodLogs>();
        services.AddSingleton<ApiHandler>();
        services.AddSingleton<ScenarioBuilder>();
        services.AddSingleton<ISandboxController, NamespaceBootstrapController>();
        services.AddSingleton<ISandboxController, ClusterRoleAggregationController>();
        // Security/: ServiceAccount tokens and the admin token, RBAC, TokenRequest/TokenReview/access reviews,
        // escalation admission, OIDC discovery, the legacy token controller.
        services.AddSandboxSecurity(options);
        options.ConfigureServices?.Invoke(services);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string NewToken()
    {
        var b = new byte[24];
        RandomNumberGenerator.Fill(b);
        return "sandbox-admin-" + Convert.ToHexString(b).ToLowerInvariant();
    }

    /// <summary>Runs kube-controller-manager's legacy-service-account-token-cleaner once (it runs daily on a real
    /// cluster; move <see cref="Clock"/> first to let a year pass): the Secrets it labelled invalid and deleted.</summary>
    public (IReadOnlyList<string> Invalidated, IReadOnlyList<string> Deleted) RunLegacyTokenCleaner() =>
        Services.GetRequiredService<SecurityServices>().LegacyTokenCleaner.Run();

    /// <summary>
    /// Writes a kubeconfig for this sandbox: the CA inline, a bearer token (the admin token when
    /// <paramref name="token"/> is null), one cluster/user/context named <paramref name="contextName"/>, current.
    /// </summary>
    public string WriteKubeconfig(string path, string? token = null, string contextName = "sandbox", string? @namespace = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, KubeconfigYaml(token, contextName, @namespace));
        return path;
    }

    public string KubeconfigYaml(string? token = null, string contextName = "sandbox", string? @namespace = null)
    {
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(CaCertificatePem));
        var sb = new StringBuilder();
        sb.Append("apiVersion: v1\nkind: Config\n");
        sb.Append($"clusters:\n- name: {contextName}\n  cluster:\n    server: {Url}\n    certificate-authority-data: {ca}\n");
        sb.Append($"users:\n- name: {contextName}\n  user:\n    token: {token ?? AdminToken}\n");
        sb.Append($"contexts:\n- name: {contextName}\n  context:\n    cluster: {contextName}\n    user: {contextName}\n");
        if (@namespace is not null) sb.Append($"    namespace: {@namespace}\n");
        sb.Append($"current-context: {contextName}\npreferences: {{}}\n");
        return sb.ToString();
    }

    /// <summary>An HttpClient that trusts the sandbox's CA, authenticated as admin (or with <paramref name="token"/>).</summary>
    public HttpClient CreateClient(string? token = null)
    {
        var ca = CaCertificatePem;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                if (cert is null) return false;
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(_ca.CaCertificate);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return chain.Build(cert);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(Url) };
        var t = token ?? AdminToken;
        if (t.Length > 0) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", t);
        return client;
    }

    /// <summary>
    /// A ServiceAccount token from the sandbox's own TokenRequest endpoint (POST .../serviceaccounts/{name}/token),
    /// as a client would get one. Needs the security side's TokenRequest handler.
    /// </summary>
    public async Task<string> CreateTokenAsync(string @namespace, string serviceAccount, int? expirationSeconds = null,
        IReadOnlyList<string>? audiences = null, string? boundPodName = null, string? boundPodUid = null, CancellationToken cancellationToken = default,
        string? boundNodeName = null)
    {
        var spec = new JsonObject();
        if (audiences is not null) spec["audiences"] = new JsonArray(audiences.Select(a => (JsonNode?)a).ToArray());
        if (expirationSeconds is { } e) spec["expirationSeconds"] = e;
        if (boundPodName is not null)
        {
            var r = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = boundPodName };
            if (boundPodUid is not null) r["uid"] = boundPodUid;
            spec["boundObjectRef"] = r;
        }
        else if (boundNodeName is not null)
        {
            spec["boundObjectRef"] = new JsonObject { ["kind"] = "Node", ["apiVersion"] = "v1", ["name"] = boundNodeName };
        }
        var body = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenRequest", ["spec"] = spec };
        using var client = CreateClient();
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var resp = await client.PostAsync($"/api/v1/namespaces/{Uri.EscapeDataString(@namespace)}/serviceaccounts/{Uri.EscapeDataString(serviceAccount)}/token", content, cancellationToken);
        var text = await resp.Content.ReadAsStringAsync(cancellationToken);
        if (!resp.IsSuccessStatusCode)
            throw new InvalidOperationException($"TokenRequest for {@namespace}/{serviceAccount} failed: HTTP {(int)resp.StatusCode} {text}");
        return JsonNode.Parse(text)!["status"]!["token"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        try { await _app.StopAsync(TimeSpan.FromSeconds(5)); }
        catch (OperationCanceledException) { }
        await _app.DisposeAsync();
        _ca.Dispose();
    }
}
