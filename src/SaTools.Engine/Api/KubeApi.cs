using k8s;
using k8s.Models;
using SaTools.Engine.Names;

namespace SaTools.Engine.Api;

/// <summary>
/// The one way to the API server. Every request made through it, typed or raw, passes the same handler pipeline
/// (retries with Retry-After and bounded backoff: 429 for every request, 5xx and resets for reads only; then the
/// request log), lists are paged and streamed by <see cref="Pager"/>, every method takes a cancellation token, and
/// every failure comes out as a <see cref="KubeApiException"/>.
/// <para>
/// Public members use only BCL and engine types (SaTools.dll sees nothing else). The typed helpers that hand out
/// KubernetesClient models are internal: engine features (Inventory, Rbac, Tokens, Automount...) call them and
/// map the models to their own public result types.
/// </para>
/// </summary>
public sealed class KubeApi
{
    internal KubeApi(IKubernetes client, string server)
    {
        Client = client;
        Server = server;
    }

    /// <summary>The API server URL.</summary>
    public string Server { get; }

    /// <summary>Items asked for per page (<c>limit</c>).</summary>
    public int PageSize { get; set; } = Pager.DefaultPageSize;

    /// <summary>
    /// How many lists of this connection may be on the wire at once (<see cref="StartLists"/>): enough for every
    /// kind a workload reads together (the RBAC snapshot's five, the audit's namespaces, ServiceAccounts, pods,
    /// owners, Secrets and RBAC), few enough not to flood the API server's priority and fairness queues.
    /// </summary>
    public int ListConcurrency
    {
        get => _listConcurrency;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _listConcurrency = value;
            _listSlots = new SemaphoreSlim(value, value);
        }
    }

    public const int DefaultListConcurrency = 6;

    private int _listConcurrency = DefaultListConcurrency;
    private SemaphoreSlim _listSlots = new(DefaultListConcurrency, DefaultListConcurrency);

    /// <summary>
    /// Starts a set of lists read at the same time through this pipeline (bounded by <see cref="ListConcurrency"/>,
    /// cancelled with <paramref name="cancellationToken"/> or the first failure); see <see cref="ConcurrentLists"/>.
    /// Every workload that reads several kinds reads them through this.
    /// </summary>
    internal ConcurrentLists StartLists(CancellationToken cancellationToken) => new(_listSlots, cancellationToken);

    /// <summary>The typed client. Call it through <see cref="CallAsync{T}"/> so failures are translated.</summary>
    internal IKubernetes Client { get; }

    /// <summary>The server's git version (<c>v1.31.2</c>) from <c>/version</c>.</summary>
    public async Task<string?> GetServerVersionAsync(CancellationToken cancellationToken)
    {
        var info = await CallAsync((c, ct) => c.Version.GetCodeAsync(ct), cancellationToken).ConfigureAwait(false);
        return info?.GitVersion;
    }

    /// <summary>The names of every namespace the caller may list, page by page.</summary>
    public async IAsyncEnumerable<string> ListNamespaceNamesAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var ns in ListNamespacesAsync(null, null, cancellationToken).ConfigureAwait(false))
        {
            if (ns.Metadata?.Name is { } name) yield return name;
        }
    }

    /// <summary>Runs one typed call, translating every failure into a <see cref="KubeApiException"/>.</summary>
    internal async Task<T> CallAsync<T>(Func<IKubernetes, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(Client, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var translated = ErrorTranslator.Translate(e, Server, cancellationToken);
            if (ReferenceEquals(translated, e)) throw;
            throw translated;
        }
    }

    /// <summary>Runs one typed call that returns nothing useful, translating failures.</summary>
    internal Task CallAsync(Func<IKubernetes, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        CallAsync(async (c, ct) => { await call(c, ct).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>
    /// A name as one segment of a request path: checked by its kind's Kubernetes rule (<see cref="KubeNames"/>),
    /// then escaped with <see cref="Uri.EscapeDataString(string)"/>, so neither a name that slipped past a cmdlet's
    /// check nor a case the rule misses can add a segment ('/'), a query ('?') or climb ('..'). KubernetesClient's
    /// generated operations put path parameters into the URL as given, so every name passes here first.
    /// A refused name is a <see cref="KubeApiException"/> of kind <see cref="KubeErrorKind.InvalidName"/>, before
    /// any request.
    /// </summary>
    internal static string PathSegment(NameKind kind, string name)
    {
        if (KubeNames.Problem(kind, name) is { } problem)
        {
            throw new KubeApiException(KubeErrorKind.InvalidName, KubeNames.Describe(kind, name, problem));
        }
        // '.' and '..' are not changed by escaping; the rules above refuse them for every kind.
        return Uri.EscapeDataString(name);
    }

    /// <summary>A namespace as a path segment (<see cref="PathSegment"/>).</summary>
    internal static string Ns(string ns) => PathSegment(NameKind.Namespace, ns);

    // ---- Paged, streamed lists. A null namespace means all namespaces. ----

    private const string Core = "/api/v1";
    private const string Rbac = "/apis/rbac.authorization.k8s.io/v1";
    private const string Apps = "/apis/apps/v1";
    private const string Batch = "/apis/batch/v1";

    /// <summary>ServiceAccounts; <c>fields</c>: only these fields of each one are read (null: all of them).</summary>
    internal IAsyncEnumerable<V1ServiceAccount> ListServiceAccountsAsync(string? ns, string? labelSelector, Action<ListProgress>? onPage, CancellationToken cancellationToken, string? fieldSelector = null, ListFields? fields = null) =>
        ListByPath<V1ServiceAccountList, V1ServiceAccount>("serviceaccounts", CollectionPath(Core, "serviceaccounts", ns), labelSelector, fieldSelector, onPage, cancellationToken, fields);

    /// <summary>Pods; <c>fields</c>: only these fields of each pod are read (null: all of them).</summary>
    internal IAsyncEnumerable<V1Pod> ListPodsAsync(string? ns, string? labelSelector, Action<ListProgress>? onPage, CancellationToken cancellationToken, ListFields? fields = null, string? fieldSelector = null) =>
        ListByPath<V1PodList, V1Pod>("pods", CollectionPath(Core, "pods", ns), labelSelector, fieldSelector, onPage, cancellationToken, fields);

    internal IAsyncEnumerable<V1Secret> ListSecretsAsync(string? ns, string? fieldSelector, Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ListByPath<V1SecretList, V1Secret>("secrets", CollectionPath(Core, "secrets", ns), null, fieldSelector, onPage, cancellationToken);

    internal IAsyncEnumerable<V1Namespace> ListNamespacesAsync(string? labelSelector, Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ListByPath<V1NamespaceList, V1Namespace>("namespaces", () => Core + "/namespaces", labelSelector, null, onPage, cancellationToken);

    // The RBAC lists: `fields`, only these fields of each object are read (null: all of them).
    internal IAsyncEnumerable<V1Role> ListRolesAsync(string? ns, Action<ListProgress>? onPage, CancellationToken cancellationToken, ListFields? fields = null) =>
        ListByPath<V1RoleList, V1Role>("roles", CollectionPath(Rbac, "roles", ns), null, null, onPage, cancellationToken, fields);

    internal IAsyncEnumerable<V1RoleBinding> ListRoleBindingsAsync(string? ns, Action<ListProgress>? onPage, CancellationToken cancellationToken, ListFields? fields = null) =>
        ListByPath<V1RoleBindingList, V1RoleBinding>("rolebindings", CollectionPath(Rbac, "rolebindings", ns), null, null, onPage, cancellationToken, fields);

    internal IAsyncEnumerable<V1ClusterRole> ListClusterRolesAsync(Action<ListProgress>? onPage, CancellationToken cancellationToken, ListFields? fields = null) =>
        ListByPath<V1ClusterRoleList, V1ClusterRole>("clusterroles", () => Rbac + "/clusterroles", null, null, onPage, cancellationToken, fields);

    internal IAsyncEnumerable<V1ClusterRoleBinding> ListClusterRoleBindingsAsync(Action<ListProgress>? onPage, CancellationToken cancellationToken, ListFields? fields = null) =>
        ListByPath<V1ClusterRoleBindingList, V1ClusterRoleBinding>("clusterrolebindings", () => Rbac + "/clusterrolebindings", null, null, onPage, cancellationToken, fields);

    internal IAsyncEnumerable<V1ReplicaSet> ListReplicaSetsAsync(string? ns, Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ListByPath<V1ReplicaSetList, V1ReplicaSet>("replicasets", CollectionPath(Apps, "replicasets", ns), null, null, onPage, cancellationToken);

    internal IAsyncEnumerable<V1Job> ListJobsAsync(string? ns, Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ListByPath<V1JobList, V1Job>("jobs", CollectionPath(Batch, "jobs", ns), null, null, onPage, cancellationToken);

    internal IAsyncEnumerable<V1Deployment> ListDeploymentsAsync(string? ns, Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ListByPath<V1DeploymentList, V1Deployment>("deployments", CollectionPath(Apps, "deployments", ns), null, null, onPage, cancellationToken);

    internal IAsyncEnumerable<V1StatefulSet> ListStatefulSetsAsync(string? ns, Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ListByPath<V1StatefulSetList, V1StatefulSet>("statefulsets", CollectionPath(Apps, "statefulsets", ns), null, null, onPage, cancellationToken);

    internal IAsyncEnumerable<V1DaemonSet> ListDaemonSetsAsync(string? ns, Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ListByPath<V1DaemonSetList, V1DaemonSet>("daemonsets", CollectionPath(Apps, "daemonsets", ns), null, null, onPage, cancellationToken);

    internal IAsyncEnumerable<V1CronJob> ListCronJobsAsync(string? ns, Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ListByPath<V1CronJobList, V1CronJob>("cronjobs", CollectionPath(Batch, "cronjobs", ns), null, null, onPage, cancellationToken);

    /// <summary><c>/api/v1/pods</c> across all namespaces, <c>/api/v1/namespaces/{ns}/pods</c> in one (the
    /// namespace checked and escaped by <see cref="Ns"/> when the first page is asked for).</summary>
    private static Func<string> CollectionPath(string groupVersion, string resource, string? ns) =>
        () => ns is null ? $"{groupVersion}/{resource}" : $"{groupVersion}/namespaces/{Ns(ns)}/{resource}";

    // ---- Single objects. ----

    internal Task<V1ServiceAccount> GetServiceAccountAsync(string ns, string name, CancellationToken cancellationToken) =>
        CallAsync((c, ct) => c.CoreV1.ReadNamespacedServiceAccountAsync(PathSegment(NameKind.ServiceAccount, name), Ns(ns), cancellationToken: ct), cancellationToken);

    internal Task<V1Namespace> GetNamespaceAsync(string name, CancellationToken cancellationToken) =>
        CallAsync((c, ct) => c.CoreV1.ReadNamespaceAsync(Ns(name), cancellationToken: ct), cancellationToken);

    internal Task<V1Secret> GetSecretAsync(string ns, string name, CancellationToken cancellationToken) =>
        CallAsync((c, ct) => c.CoreV1.ReadNamespacedSecretAsync(PathSegment(NameKind.Secret, name), Ns(ns), cancellationToken: ct), cancellationToken);

    /// <summary>A merge patch (<c>application/merge-patch+json</c>) of a ServiceAccount.</summary>
    internal Task<V1ServiceAccount> PatchServiceAccountAsync(string ns, string name, object mergePatch, bool dryRun, CancellationToken cancellationToken) =>
        CallAsync((c, ct) => c.CoreV1.PatchNamespacedServiceAccountAsync(
            new V1Patch(mergePatch, V1Patch.PatchType.MergePatch), PathSegment(NameKind.ServiceAccount, name), Ns(ns), dryRun: dryRun ? "All" : null, cancellationToken: ct), cancellationToken);

    /// <summary>TokenRequest: <c>POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token</c>.</summary>
    internal Task<Authenticationv1TokenRequest> CreateTokenAsync(string ns, string name, Authenticationv1TokenRequest request, CancellationToken cancellationToken) =>
        CallAsync((c, ct) => c.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, PathSegment(NameKind.ServiceAccount, name), Ns(ns), cancellationToken: ct), cancellationToken);

    internal Task<V1TokenReview> CreateTokenReviewAsync(V1TokenReview review, CancellationToken cancellationToken) =>
        CallAsync((c, ct) => c.AuthenticationV1.CreateTokenReviewAsync(review, cancellationToken: ct), cancellationToken);

    internal Task<V1SubjectAccessReview> CreateSubjectAccessReviewAsync(V1SubjectAccessReview review, CancellationToken cancellationToken) =>
        CallAsync((c, ct) => c.AuthorizationV1.CreateSubjectAccessReviewAsync(review, cancellationToken: ct), cancellationToken);

    /// <summary>The OIDC discovery document (<c>/.well-known/openid-configuration</c>) of the ServiceAccount issuer.</summary>
    internal Task<string> GetOpenIdConfigurationAsync(CancellationToken cancellationToken) =>
        GetRawAsync("/.well-known/openid-configuration", "application/json", cancellationToken);

    /// <summary>The ServiceAccount issuer's signing keys (<c>/openid/v1/jwks</c>), as JSON. kube-apiserver answers
    /// 406 to <c>Accept: application/json</c> here (recorded exchanges oidc-jwks-*).</summary>
    internal Task<string> GetServiceAccountIssuerKeysAsync(CancellationToken cancellationToken) =>
        GetRawAsync("/openid/v1/jwks", "application/jwk-set+json, */*", cancellationToken);

    /// <summary>
    /// A GET whose body is returned as text, through the client's own HttpClient (so the same retry and logging
    /// handlers) and credentials. The generated WellKnown/Openid operations cannot serve here: they read these JSON
    /// objects as a JSON string and throw.
    /// </summary>
    internal Task<string> GetRawAsync(string path, string accept, CancellationToken cancellationToken) =>
        SendGetAsync(path, accept, async (response, ct) =>
        {
            using (response)
            {
                return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken);

    /// <summary>A GET of a list page, read until its metadata is known (<see cref="ListBody.ReadHeadAsync"/>); the
    /// rest is read by <see cref="ReadRestAsync"/>.</summary>
    private Task<ListBody> GetListHeadAsync(string pathAndQuery, CancellationToken cancellationToken) =>
        SendGetAsync(pathAndQuery, "application/json", ListBody.ReadHeadAsync, cancellationToken);

    /// <summary>The rest of a list page's body, a failure on the way (a reset, a timeout) translated as any other.</summary>
    private async Task ReadRestAsync(ListBody body, CancellationToken cancellationToken)
    {
        try
        {
            await body.ReadRestAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var translated = ErrorTranslator.Translate(e, Server, cancellationToken);
            if (ReferenceEquals(translated, e)) throw;
            throw translated;
        }
    }

    /// <summary>A GET through the client's own HttpClient and credentials; <c>read</c> takes a successful response
    /// and owns it from then on (disposes it once done with it).</summary>
    private async Task<TBody> SendGetAsync<TBody>(string path, string accept, Func<HttpResponseMessage, CancellationToken, Task<TBody>> read, CancellationToken cancellationToken)
    {
        if (Client is not Kubernetes client)
        {
            throw new InvalidOperationException("Raw requests need the KubernetesClient client.");
        }
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, client.BaseUri.ToString().TrimEnd('/') + path);
            request.Headers.Accept.ParseAdd(accept);
            if (client.Credentials is not null)
            {
                await client.Credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }
            // The body is read by `read`, not buffered by HttpClient first, so a list page goes straight to its
            // pooled buffer and its first bytes are looked at before the rest has arrived.
            var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    var (message, reason) = ErrorTranslator.ReadStatus(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                    var pathOnly = path.Split('?', 2)[0];
                    throw ErrorTranslator.FromStatus((int)response.StatusCode, message, reason, "GET " + pathOnly, null);
                }
            }
            return await read(response, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not KubeApiException)
        {
            var translated = ErrorTranslator.Translate(e, Server, cancellationToken);
            if (ReferenceEquals(translated, e)) throw;
            throw translated;
        }
    }

    /// <summary>
    /// Pages a list by its path through <see cref="Pager"/>, with the pipelining the pager is built for: each page's
    /// body is read as bytes through the client's own HttpClient (so the same retry and logging handlers) and
    /// credentials, its continue token taken from its first bytes (<see cref="ListBody"/>), and the rest of it read
    /// and its items parsed with KubernetesClient's own serializer (or into the <paramref name="fields"/> a caller
    /// reads) only when the pager asks, after the next page is on the wire.
    /// </summary>
    internal IAsyncEnumerable<T> ListByPath<TList, T>(
        string resource,
        Func<string> path,
        string? labelSelector,
        string? fieldSelector,
        Action<ListProgress>? onPage,
        CancellationToken cancellationToken,
        ListFields? fields = null)
        where TList : IItems<T>, IMetadata<V1ListMeta>
        where T : IMetadata<V1ObjectMeta>
    {
        return Pager.ListAsync<T>(
            resource,
            async (cont, limit, ct) =>
            {
                var query = new List<string> { "limit=" + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                if (!string.IsNullOrEmpty(cont)) query.Add("continue=" + Uri.EscapeDataString(cont));
                if (!string.IsNullOrEmpty(labelSelector)) query.Add("labelSelector=" + Uri.EscapeDataString(labelSelector));
                if (!string.IsNullOrEmpty(fieldSelector)) query.Add("fieldSelector=" + Uri.EscapeDataString(fieldSelector));
                var body = await GetListHeadAsync(path() + "?" + string.Join("&", query), ct).ConfigureAwait(false);
                TList Parse()
                {
                    if (fields is not null)
                    {
                        return System.Text.Json.JsonSerializer.Deserialize<TList>(body.Span, fields.Options)
                            ?? throw new System.Text.Json.JsonException($"The {resource} list was empty.");
                    }
                    using var stream = body.AsStream();
                    return KubernetesJson.Deserialize<TList>(stream);
                }
                async Task<IList<T>?> ReadItemsAsync(CancellationToken t)
                {
                    try
                    {
                        await ReadRestAsync(body, t).ConfigureAwait(false);
                        return Parse().Items;
                    }
                    finally
                    {
                        body.Release();
                    }
                }
                if (body.Head == ListMetaReader.Outcome.Found)
                {
                    return new Pager.Page<T>(ReadItemsAsync, body.Release, body.Continue, body.RemainingItemCount);
                }
                // The metadata did not come first: the body was read whole, and only the parsed list tells.
                try
                {
                    var list = Parse();
                    return new Pager.Page<T>(list.Items, list.Metadata?.ContinueProperty, list.Metadata?.RemainingItemCount);
                }
                finally
                {
                    body.Release();
                }
            },
            item => item.Metadata?.Uid,
            PageSize,
            onPage,
            cancellationToken);
    }
}
