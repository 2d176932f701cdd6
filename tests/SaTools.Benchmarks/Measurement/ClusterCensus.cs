using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using SaTools.Benchmarks.Hosting;

namespace SaTools.Benchmarks.Measurement;

/// <summary>A ServiceAccount as the census saw it.</summary>
public sealed record ServiceAccountName(string Namespace, string Name, bool? Automount);

/// <summary>
/// What the cluster holds, read straight from the API as admin before any workload window opens: object counts
/// (for the minimum-request targets), the ServiceAccounts (for the samples the peers and workload 5 use), and how
/// many default ServiceAccounts still need automount disabled (issue 6's write-count target).
/// </summary>
public sealed class ClusterCensus
{
    /// <summary>Where each resource lists for all namespaces.</summary>
    public static readonly IReadOnlyDictionary<string, string> ListPaths = new Dictionary<string, string>
    {
        ["namespaces"] = "/api/v1/namespaces",
        ["serviceaccounts"] = "/api/v1/serviceaccounts",
        ["pods"] = "/api/v1/pods",
        ["secrets"] = "/api/v1/secrets",
        ["roles"] = "/apis/rbac.authorization.k8s.io/v1/roles",
        ["rolebindings"] = "/apis/rbac.authorization.k8s.io/v1/rolebindings",
        ["clusterroles"] = "/apis/rbac.authorization.k8s.io/v1/clusterroles",
        ["clusterrolebindings"] = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
    };

    private readonly Dictionary<string, long> _counts;

    private ClusterCensus(Dictionary<string, long> counts, IReadOnlyList<ServiceAccountName> serviceAccounts)
    {
        _counts = counts;
        ServiceAccounts = serviceAccounts;
    }

    public IReadOnlyList<ServiceAccountName> ServiceAccounts { get; }

    /// <summary>Default ServiceAccounts whose automountServiceAccountToken is not already false.</summary>
    public int DefaultsNeedingChange => ServiceAccounts.Count(sa => sa.Name == "default" && sa.Automount != false);

    public long Count(string resource) =>
        _counts.TryGetValue(resource, out var n) ? n : throw new ArgumentException($"No census of '{resource}'.", nameof(resource));

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public static async Task<ClusterCensus> TakeAsync(IBenchCluster cluster, CancellationToken cancellationToken = default)
    {
        using var http = CreateClient(cluster);
        var counts = new Dictionary<string, long>();
        foreach (var (resource, path) in ListPaths)
        {
            counts[resource] = await CountAsync(http, path, cancellationToken).ConfigureAwait(false);
        }
        var serviceAccounts = await ListServiceAccountsAsync(http, cancellationToken).ConfigureAwait(false);
        return new ClusterCensus(counts, serviceAccounts);
    }

    /// <summary>One page of one item: the count is that item plus metadata.remainingItemCount (given for a list
    /// without selectors, k8s.io/apiserver pkg/storage/etcd3/store.go); a full list when the server omits it.</summary>
    private static async Task<long> CountAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using (var first = await GetJsonAsync(http, path + "?limit=1", cancellationToken).ConfigureAwait(false))
        {
            var root = first.RootElement;
            var items = root.GetProperty("items").GetArrayLength();
            if (root.GetProperty("metadata").TryGetProperty("remainingItemCount", out var remaining) && remaining.ValueKind == JsonValueKind.Number)
            {
                return items + remaining.GetInt64();
            }
            if (!root.GetProperty("metadata").TryGetProperty("continue", out var cont) || string.IsNullOrEmpty(cont.GetString()))
            {
                return items;
            }
        }
        using var all = await GetJsonAsync(http, path, cancellationToken).ConfigureAwait(false);
        return all.RootElement.GetProperty("items").GetArrayLength();
    }

    private static async Task<IReadOnlyList<ServiceAccountName>> ListServiceAccountsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var doc = await GetJsonAsync(http, ListPaths["serviceaccounts"], cancellationToken).ConfigureAwait(false);
        var result = new List<ServiceAccountName>();
        foreach (var item in doc.RootElement.GetProperty("items").EnumerateArray())
        {
            var meta = item.GetProperty("metadata");
            bool? automount = item.TryGetProperty("automountServiceAccountToken", out var a) && a.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? a.GetBoolean()
                : null;
            result.Add(new ServiceAccountName(meta.GetProperty("namespace").GetString()!, meta.GetProperty("name").GetString()!, automount));
        }
        return result;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(pathAndQuery, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static HttpClient CreateClient(IBenchCluster cluster)
    {
        var ca = X509Certificate2.CreateFromPem(cluster.CaCertificatePem);
        var handler = new HttpClientHandler
        {
            // Trust exactly the sandbox's CA, as the kubeconfig's certificate-authority-data does.
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri(cluster.Url), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.AdminToken);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }
}
