using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Rbac;

namespace SaTools.Engine.Tests.Rbac;

/// <summary>
/// EffectivePermissionReader evaluates while the ServiceAccount pages arrive; these tests hold the lists at chosen
/// points (an HTTP handler that serves the five lists in pages) and compare its answer with the offline evaluation
/// of the same objects read the old way (RbacSnapshotReader, then EffectivePermissions.Evaluate).
/// </summary>
public sealed class EffectivePermissionReaderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private const int PageSize = 4;

    private const string Rbac = "/apis/rbac.authorization.k8s.io/v1/";
    private const string ServiceAccounts = "/api/v1/serviceaccounts";

    /// <summary>
    /// Serves the five lists in pages of <c>limit</c>, in the server's key order (<c>namespace/name</c>: app-x's
    /// accounts before app's). RBAC lists wait for <see cref="ReleaseRbac"/> when <paramref name="holdRbac"/>;
    /// <see cref="Hang"/> makes a path's requests after the first wait until cancelled; <see cref="Forbid"/> answers
    /// a path with 403.
    /// </summary>
    private sealed class FakeCluster(bool holdRbac) : DelegatingHandler
    {
        private readonly TaskCompletionSource _rbac = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;

        public string? Forbid { get; init; }
        public string? Hang { get; init; }
        public int HangOffset { get; init; } = 1;
        public SemaphoreSlim HangReached { get; } = new(0);
        public ConcurrentQueue<string> Requests { get; } = new();
        public int InFlight => Volatile.Read(ref _inFlight);

        public void ReleaseRbac() => _rbac.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _inFlight);
            try
            {
                var path = request.RequestUri!.AbsolutePath;
                var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
                Requests.Enqueue(path);
                var offset = query["continue"] is { } c ? int.Parse(c) : 0;
                if (holdRbac && path.StartsWith(Rbac, StringComparison.Ordinal))
                {
                    await _rbac.Task.WaitAsync(cancellationToken);
                }

                if (path == Hang && offset >= HangOffset)
                {
                    HangReached.Release();
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }

                if (path == Forbid)
                {
                    var status = $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{path[(path.LastIndexOf('/') + 1)..]}} is forbidden: User \"jane\" cannot list resource","reason":"Forbidden","code":403}""";
                    return new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent(status, Encoding.UTF8, "application/json") };
                }

                var items = ItemsOf(path);
                var limit = int.Parse(query["limit"]!);
                var count = Math.Min(limit, items.Count - offset);
                var next = offset + count < items.Count ? (offset + count).ToString() : null;
                var meta = new JsonObject { ["resourceVersion"] = "7" };
                if (next is not null)
                {
                    meta["continue"] = next;
                    meta["remainingItemCount"] = items.Count - offset - count;
                }

                var body = new JsonObject { ["kind"] = "List", ["apiVersion"] = "v1", ["metadata"] = meta, ["items"] = new JsonArray(items.Skip(offset).Take(count).Select(i => JsonNode.Parse(KubernetesJson.Serialize(i))).ToArray()) };
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static List<object> ItemsOf(string path) => path switch
        {
            Rbac + "clusterroles" => ClusterRoles.Cast<object>().ToList(),
            Rbac + "clusterrolebindings" => ClusterRoleBindings.Cast<object>().ToList(),
            Rbac + "roles" => Roles.Cast<object>().ToList(),
            Rbac + "rolebindings" => RoleBindings.Cast<object>().ToList(),
            ServiceAccounts => Accounts.Cast<object>().ToList(),
            _ => throw new InvalidOperationException("unexpected " + path),
        };
    }

    // ---- The cluster: grants by ServiceAccount, User and groups, an aggregated role, two missing roles ----

    private static readonly V1ClusterRole[] ClusterRoles =
    [
        new() { Metadata = Meta("secret-reader"), Rules = [Rule(["get", "list"], [""], ["secrets"])] },
        new()
        {
            Metadata = Meta("aggregate"),
            AggregationRule = new V1AggregationRule { ClusterRoleSelectors = [new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["agg"] = "yes" } }] },
        },
        new() { Metadata = new V1ObjectMeta { Name = "aggregated-part", Labels = new Dictionary<string, string> { ["agg"] = "yes" } }, Rules = [Rule(["create"], [""], ["pods"])] },
    ];

    private static readonly V1ClusterRoleBinding[] ClusterRoleBindings =
    [
        new() { Metadata = Meta("ns-b-readers"), RoleRef = ClusterRoleRef("secret-reader"), Subjects = [Subject("Group", "system:serviceaccounts:ns-b")] },
        new() { Metadata = Meta("gone"), RoleRef = ClusterRoleRef("does-not-exist"), Subjects = [Subject("ServiceAccount", "sa-0", "ns-a")] },
        new() { Metadata = Meta("aggregate-to-user"), RoleRef = ClusterRoleRef("aggregate"), Subjects = [Subject("User", "system:serviceaccount:app:sa-1")] },
    ];

    private static readonly V1Role[] Roles =
    [
        new() { Metadata = Meta("pod-reader", "app-x"), Rules = [Rule(["get"], [""], ["pods"]), Rule(["get"], [""], ["secrets"])] },
    ];

    private static readonly V1RoleBinding[] RoleBindings =
    [
        new() { Metadata = Meta("read-pods", "app-x"), RoleRef = RoleRef("Role", "pod-reader"), Subjects = [Subject("ServiceAccount", "sa-2")] },
        new() { Metadata = Meta("missing", "ns-a"), RoleRef = RoleRef("Role", "nope"), Subjects = [Subject("Group", "system:serviceaccounts")] },
    ];

    // Four pages of four: the key order of a real server ("app-x/" sorts before "app/").
    private static readonly V1ServiceAccount[] Accounts =
        new[] { "app-x", "app", "ns-a", "ns-b" }
            .SelectMany(ns => Enumerable.Range(0, 4).Select(i => new V1ServiceAccount { Metadata = Meta("sa-" + i, ns) }))
            .ToArray();

    private static V1ObjectMeta Meta(string name, string? ns = null) =>
        new() { Name = name, NamespaceProperty = ns, Uid = (ns ?? "cluster") + "/" + name };

    private static V1PolicyRule Rule(string[] verbs, string[] groups, string[] resources) =>
        new() { Verbs = verbs, ApiGroups = groups, Resources = resources };

    private static V1RoleRef ClusterRoleRef(string name) => RoleRef("ClusterRole", name);

    private static V1RoleRef RoleRef(string kind, string name) => new() { ApiGroup = "rbac.authorization.k8s.io", Kind = kind, Name = name };

    // A ServiceAccount subject has no apiGroup; User and Group subjects are rbac.authorization.k8s.io's.
    private static Rbacv1Subject Subject(string kind, string name, string? ns = null) =>
        new() { Kind = kind, Name = name, NamespaceProperty = ns, ApiGroup = kind == "ServiceAccount" ? null : "rbac.authorization.k8s.io" };

    private static KubeApi Api(FakeCluster cluster)
    {
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = "https://k8s.test" }, cluster);
        return new KubeApi(client, "https://k8s.test") { PageSize = PageSize };
    }

    public static TheoryData<string, bool> Filters => new()
    {
        { "", true },
        { "", false },
        { "get secrets", false },
        { "get secrets", true },
        { "scope app-x", false },
    };

    private static PermissionFilter? FilterFor(string name) => name switch
    {
        "" => null,
        "get secrets" => new PermissionFilter { Verb = "get", Resource = "secrets" },
        "scope app-x" => new PermissionFilter { Scope = "app-x" },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task AccountsBeforeAndAfterTheIndexGetTheGrantsTheOfflineEvaluationGives(string filterName, bool summarize)
    {
        var filter = FilterFor(filterName);
        var cluster = new FakeCluster(holdRbac: true);
        var indexReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var evaluatedEarly = new ConcurrentBag<ServiceAccountRef>();
        void OnPage(ListProgress progress)
        {
            if (progress.Resource != "serviceaccounts" || progress.Page != 4) return;
            // Three pages of accounts are in and the RBAC lists are still held: only now may they arrive. The last
            // page's accounts are handed out once the index is built, so they arrive after it.
            cluster.ReleaseRbac();
            Assert.True(indexReady.Task.Wait(Patience), "the index was not built");
        }
        bool Early(ServiceAccountRef sa)
        {
            indexReady.TrySetResult();
            evaluatedEarly.Add(sa);
            return true;
        }

        var streamed = await new EffectivePermissionReader(Api(cluster)).ReadAsync(filter, summarize, Early, OnPage, CancellationToken.None);

        // Every account was evaluated during the read, once: the 12 that waited for the index by its thread, the
        // last 4 as they arrived.
        Assert.All(streamed.ServiceAccounts, a => Assert.True(a.IsEvaluated, a.ServiceAccount + " was left for later"));
        Assert.Equal(16, evaluatedEarly.Count);
        Assert.Equal(16, evaluatedEarly.Distinct().Count());

        var offline = await ReadOfflineAsync(filter, summarize);
        AssertSameAnswer(offline, streamed, summarize);
        // Same requests as the snapshot reader: one list per kind, the ServiceAccounts in 4 pages.
        Assert.Equal(8, cluster.Requests.Count);
        Assert.Equal(4, cluster.Requests.Count(p => p == ServiceAccounts));
    }

    [Fact]
    public async Task TheAnswerHasGrantsFromEveryKindOfBindingAndTheMissingRoles()
    {
        var streamed = await new EffectivePermissionReader(Api(new FakeCluster(holdRbac: false))).ReadAsync(null, summarize: true, null, null, CancellationToken.None);
        string[] Grants(string ns, string name) =>
            streamed.ServiceAccounts.Single(a => a.ServiceAccount == new ServiceAccountRef(ns, name)).Grants.Select(g => $"{g.BindingName} {g.GrantedVia} {(g.IsMissingRole ? "missing" : string.Join(",", g.Verbs) + " " + string.Join(",", g.Resources))}").ToArray();

        // The answer keeps the server's key order, app-x before app, as kubectl get -A prints them.
        Assert.Equal(["app-x", "app", "ns-a", "ns-b"], streamed.ServiceAccounts.Select(a => a.ServiceAccount.Namespace).Distinct());
        Assert.Equal(["aggregate-to-user User create pods", "missing system:serviceaccounts missing"], Grants("app", "sa-1"));
        Assert.Equal(["read-pods ServiceAccount get pods", "read-pods ServiceAccount get secrets", "missing system:serviceaccounts missing"], Grants("app-x", "sa-2"));
        Assert.Equal(["gone ServiceAccount missing", "missing system:serviceaccounts missing"], Grants("ns-a", "sa-0"));
        Assert.Equal(["ns-b-readers system:serviceaccounts:ns-b get,list secrets", "missing system:serviceaccounts missing"], Grants("ns-b", "sa-3"));
        Assert.All(streamed.ServiceAccounts, a => Assert.True(a.HasMissingRole));
        Assert.Equal((3, 3, 1, 2, 16), (streamed.ClusterRoleCount, streamed.ClusterRoleBindingCount, streamed.RoleCount, streamed.RoleBindingCount, streamed.ServiceAccountCount));
    }

    [Fact]
    public async Task AccountsTheCallerDoesNotPickAreEvaluatedWhenAskedFor()
    {
        var filter = new PermissionFilter { Verb = "get", Resource = "secrets" };
        var streamed = await new EffectivePermissionReader(Api(new FakeCluster(holdRbac: false)))
            .ReadAsync(filter, summarize: false, sa => sa.Namespace == "ns-b", null, CancellationToken.None);

        Assert.All(streamed.ServiceAccounts, a => Assert.Equal(a.ServiceAccount.Namespace == "ns-b", a.IsEvaluated));
        AssertSameAnswer(await ReadOfflineAsync(filter, summarize: false), streamed, summarize: false);
    }

    [Theory]
    [InlineData("roles", "roles.rbac.authorization.k8s.io")]
    [InlineData("serviceaccounts", "serviceaccounts in all namespaces")]
    public async Task A403OnAListNamesThePermissionThatIsMissing(string resource, string named)
    {
        var path = resource == "serviceaccounts" ? ServiceAccounts : Rbac + resource;
        var cluster = new FakeCluster(holdRbac: false) { Forbid = path };

        var e = await Assert.ThrowsAsync<KubeApiException>(() =>
            new EffectivePermissionReader(Api(cluster)).ReadAsync(null, summarize: true, null, null, CancellationToken.None));

        Assert.Equal(KubeErrorKind.Forbidden, e.Kind);
        Assert.Contains("needs 'list' on " + named, e.Message);
        Assert.Equal(0, cluster.InFlight);
    }

    [Fact]
    public async Task CancellationStopsPromptlyAndNoReadOutlivesTheCall()
    {
        var cluster = new FakeCluster(holdRbac: false) { Hang = ServiceAccounts };
        using var cancel = new CancellationTokenSource();
        var read = new EffectivePermissionReader(Api(cluster)).ReadAsync(null, summarize: true, null, null, cancel.Token);
        Assert.True(await cluster.HangReached.WaitAsync(Patience), "the second page was never asked for");

        var started = DateTime.UtcNow;
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2), "cancellation took too long");
        Assert.Equal(0, cluster.InFlight);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StreamedAccountsComeInTheOfflineOrderWithTheOfflineGrants(bool summarize)
    {
        var filter = summarize ? null : new PermissionFilter { Verb = "get", Resource = "secrets" };
        var cluster = new FakeCluster(holdRbac: true);
        var onPageLast = false;
        void OnPage(ListProgress progress)
        {
            // The RBAC lists come in only once every ServiceAccount page is: the stream has to hold them all.
            if (progress.Resource == "serviceaccounts" && progress.Page == 4) { onPageLast = true; cluster.ReleaseRbac(); }
        }

        EffectivePermissions? read = null;
        var streamed = new List<ServiceAccountPermissions>();
        await foreach (var account in new EffectivePermissionReader(Api(cluster)).StreamAsync(filter, summarize, OnPage, r => read = r, CancellationToken.None))
        {
            Assert.True(onPageLast);
            Assert.True(account.IsEvaluated);
            streamed.Add(account);
        }

        Assert.NotNull(read);
        Assert.Equal(read.ServiceAccounts, streamed);
        AssertSameAnswer(await ReadOfflineAsync(filter, summarize), read, summarize);
        Assert.Equal(8, cluster.Requests.Count);
    }

    [Fact]
    public async Task AccountsComeOutWhileTheLastPageIsStillOnTheWireAndStoppingEndsTheLists()
    {
        // The last page (ns-b) never answers: every account of the three pages before it comes out, in the server's
        // order, each evaluated.
        var cluster = new FakeCluster(holdRbac: false) { Hang = ServiceAccounts, HangOffset = 3 * PageSize };
        var seen = new List<string>();
        var started = DateTime.UtcNow;
        using var patience = new CancellationTokenSource(Patience);
        await foreach (var account in new EffectivePermissionReader(Api(cluster)).StreamAsync(null, summarize: true, null, null, patience.Token))
        {
            seen.Add(account.ServiceAccount.ToString());
            Assert.True(account.IsEvaluated);
            if (seen.Count == 12) break;
        }

        Assert.Equal(new[] { "app-x", "app", "ns-a" }.SelectMany(ns => Enumerable.Range(0, 4).Select(i => $"{ns}/sa-{i}")), seen);
        Assert.True(await cluster.HangReached.WaitAsync(Patience));
        // Leaving the loop stopped the list: its hanging request was cancelled before the enumerator was disposed.
        Assert.Equal(0, cluster.InFlight);
        Assert.True(DateTime.UtcNow - started < Patience);
    }

    private static async Task<EffectivePermissions> ReadOfflineAsync(PermissionFilter? filter, bool summarize)
    {
        var snapshot = await new RbacSnapshotReader(Api(new FakeCluster(holdRbac: false))).ReadAsync(true, null, CancellationToken.None);
        return EffectivePermissions.Evaluate(snapshot, filter, summarize);
    }

    private static void AssertSameAnswer(EffectivePermissions expected, EffectivePermissions actual, bool summarize)
    {
        Assert.Equal(expected.ServiceAccounts.Select(a => a.ServiceAccount), actual.ServiceAccounts.Select(a => a.ServiceAccount));
        for (var i = 0; i < expected.ServiceAccounts.Count; i++)
        {
            var (e, a) = (expected.ServiceAccounts[i], actual.ServiceAccounts[i]);
            Assert.Equal(e.Grants.Select(g => g.ToString()), a.Grants.Select(g => g.ToString()));
            Assert.Equal(e.HasMissingRole, a.HasMissingRole);
            if (summarize)
            {
                Assert.Equal(Describe(e.Summary), Describe(a.Summary));
            }
        }

        static string Describe(ServiceAccountPermissionSummary s) =>
            $"{s.RiskLevel} {s.Flags} {s.GrantCount}/{s.ClusterGrantCount}/{s.BindingCount}/{s.MissingRoleCount} {string.Join("|", s.RiskReasons)}";
    }
}
