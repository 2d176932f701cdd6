using System.Net;
using System.Text.Json.Nodes;

namespace KubeSandbox.Tests;

public sealed class PagingTests : IClassFixture<BootstrapSandbox>
{
    private readonly BootstrapSandbox _fx;
    public PagingTests(BootstrapSandbox fx) => _fx = fx;

    private async Task<string> NamespaceWithServiceAccounts(string ns, int count)
    {
        await _fx.Client.CreateNamespaceAsync(ns);
        for (var i = 0; i < count; i++) await _fx.Client.CreateServiceAccountAsync(ns, $"sa-{i:D2}");
        return ns;
    }

    [Fact]
    public async Task Pages_cover_the_list_once_in_key_order_with_remaining_counts()
    {
        var ns = await NamespaceWithServiceAccounts("paging-a", 7); // + default = 8
        var seen = new List<string>();
        string? cont = null;
        var remaining = new List<long?>();
        string? rv = null;
        do
        {
            var r = await _fx.Client.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts?limit=3" + (cont is null ? "" : "&continue=" + Uri.EscapeDataString(cont)));
            Assert.Equal(HttpStatusCode.OK, r.Status);
            seen.AddRange(r.Names());
            var meta = r.Object["metadata"]!;
            rv ??= meta["resourceVersion"]!.GetValue<string>();
            Assert.Equal(rv, meta["resourceVersion"]!.GetValue<string>()); // one snapshot: one resourceVersion
            cont = meta["continue"]?.GetValue<string>();
            remaining.Add(meta["remainingItemCount"]?.GetValue<long>());
        } while (cont is not null);
        Assert.Equal(new[] { "default", "sa-00", "sa-01", "sa-02", "sa-03", "sa-04", "sa-05", "sa-06" }, seen);
        Assert.Equal(new long?[] { 5, 2, null }, remaining);
    }

    [Fact]
    public async Task A_page_too_large_to_build_at_once_is_streamed_whole_and_in_order()
    {
        // Pages of more than 200 items are written from the items' cached JSON through pooled 64 KB pieces
        // (ResourceHandler.WriteListAsync); 260 accounts of ~200 bytes cross a piece boundary.
        var ns = await NamespaceWithServiceAccounts("paging-large", 260); // + default = 261
        var expected = new[] { "default" }.Concat(Enumerable.Range(0, 260).Select(i => $"sa-{i:D2}")).Order(StringComparer.Ordinal).ToList();

        var first = await _fx.Client.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts?limit=250");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(("ServiceAccountList", "v1"), (first.Object["kind"]!.GetValue<string>(), first.Object["apiVersion"]!.GetValue<string>()));
        Assert.Equal(11, first.Object["metadata"]!["remainingItemCount"]!.GetValue<long>());
        var cont = first.Object["metadata"]!["continue"]!.GetValue<string>();
        var rest = await _fx.Client.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts?limit=250&continue={Uri.EscapeDataString(cont)}");
        Assert.Equal(expected, first.Names().Concat(rest.Names()));

        var whole = await _fx.Client.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts");
        Assert.Equal(expected, whole.Names());
        Assert.All(whole.Object["items"]!.AsArray(), item => Assert.Equal(ns, item!["metadata"]!["namespace"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Later_pages_read_the_snapshot_of_the_first()
    {
        var ns = await NamespaceWithServiceAccounts("paging-b", 4);
        var first = await _fx.Client.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts?limit=2");
        var cont = first.Object["metadata"]!["continue"]!.GetValue<string>();
        await _fx.Client.CreateServiceAccountAsync(ns, "zz-late");
        await _fx.Client.DeleteAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/sa-03");
        var rest = new List<string>();
        while (cont is not null)
        {
            var r = await _fx.Client.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts?limit=2&continue={Uri.EscapeDataString(cont)}");
            rest.AddRange(r.Names());
            cont = r.Object["metadata"]!["continue"]?.GetValue<string>();
        }
        Assert.Equal(new[] { "sa-01", "sa-02", "sa-03" }, rest);
    }

    [Fact]
    public async Task An_expired_continue_token_is_410_with_a_token_to_go_on_inconsistently()
    {
        var ns = await NamespaceWithServiceAccounts("paging-c", 5);
        var first = await _fx.Client.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts?limit=2");
        var cont = first.Object["metadata"]!["continue"]!.GetValue<string>();
        _fx.Server.Clock.Advance(TimeSpan.FromMinutes(6)); // past the 5-minute default lifetime
        try
        {
            var r = await _fx.Client.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts?limit=2&continue={Uri.EscapeDataString(cont)}");
            Assert.Equal(HttpStatusCode.Gone, r.Status);
            Assert.Equal("Expired", r.Reason);
            Assert.Equal(410, r.Object["code"]!.GetValue<int>());
            Assert.StartsWith("The provided continue parameter is too old to display a consistent list result.", r.Message);
            var next = r.Object["metadata"]!["continue"]!.GetValue<string>();
            var resumed = await _fx.Client.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts?limit=10&continue={Uri.EscapeDataString(next)}");
            Assert.Equal(HttpStatusCode.OK, resumed.Status);
            Assert.Equal(new[] { "sa-01", "sa-02", "sa-03", "sa-04" }, resumed.Names());
        }
        finally
        {
            _fx.Server.Clock.Advance(TimeSpan.FromMinutes(-6));
        }
    }

    [Fact]
    public async Task A_garbage_continue_token_is_400()
    {
        var r = await _fx.Client.GetAsync2("/api/v1/serviceaccounts?limit=2&continue=not-a-token");
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("BadRequest", r.Reason);
    }

    [Fact]
    public async Task All_namespace_lists_are_ordered_by_namespace_then_name()
    {
        var r = await _fx.Client.GetAsync2("/api/v1/serviceaccounts");
        var keys = r.Object["items"]!.AsArray().Select(i => $"{i!["metadata"]!["namespace"]}/{i["metadata"]!["name"]}").ToList();
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), keys);
        Assert.All(r.Object["items"]!.AsArray(), i => Assert.Null(i!["kind"])); // list items carry no kind
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_selector_list_pages_with_continue_tokens_and_never_a_remaining_count(bool byLabel)
    {
        // k8s.io/apiserver pkg/storage/etcd3/store.go GetList: "Only set remainingItemCount if the predicate is
        // empty"; the continue token alone says there is more.
        var ns = byLabel ? "paging-sel-label" : "paging-sel-field";
        await _fx.Client.CreateNamespaceAsync(ns);
        for (var i = 0; i < 7; i++)
        {
            var labels = i == 5 ? "{}" : "{\"paging/picked\":\"yes\"}";
            var r = await _fx.Client.PostAsync2($"/api/v1/namespaces/{ns}/serviceaccounts",
                Api.Obj("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"sa-" + i.ToString("D2") + "\",\"labels\":" + labels + "}}"));
            Assert.Equal(HttpStatusCode.Created, r.Status);
        }
        // Both leave out sa-05 and the namespace's default ServiceAccount.
        var selector = byLabel
            ? "labelSelector=" + Uri.EscapeDataString("paging/picked=yes")
            : "fieldSelector=" + Uri.EscapeDataString($"metadata.namespace={ns},metadata.name!=default,metadata.name!=sa-05");
        var seen = new List<string>();
        var continues = new List<bool>();
        string? cont = null;
        do
        {
            var r = await _fx.Client.GetAsync2($"/api/v1/serviceaccounts?limit=2&{selector}" + (cont is null ? "" : "&continue=" + Uri.EscapeDataString(cont)));
            Assert.Equal(HttpStatusCode.OK, r.Status);
            seen.AddRange(r.Names());
            var meta = r.Object["metadata"]!;
            Assert.Null(meta["remainingItemCount"]);
            cont = meta["continue"]?.GetValue<string>();
            continues.Add(cont is not null);
        } while (cont is not null);
        Assert.Equal(new[] { "sa-00", "sa-01", "sa-02", "sa-03", "sa-04", "sa-06" }, seen);
        Assert.Equal(new[] { true, true, false }, continues);
    }

    [Fact]
    public async Task A_list_with_a_selector_has_no_remaining_count()
    {
        var r = await _fx.Client.GetAsync2("/api/v1/serviceaccounts?limit=1&fieldSelector=metadata.name%3Ddefault");
        Assert.NotNull(r.Object["metadata"]!["continue"]);
        Assert.Null(r.Object["metadata"]!["remainingItemCount"]);
    }
}
