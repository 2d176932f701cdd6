using System.Net;

namespace KubeSandbox.Tests;

public sealed class ErrorAndDiscoveryTests : IClassFixture<BootstrapSandbox>
{
    private readonly BootstrapSandbox _fx;
    public ErrorAndDiscoveryTests(BootstrapSandbox fx) => _fx = fx;
    private HttpClient C => _fx.Client;

    [Fact]
    public async Task Discovery_documents()
    {
        var api = await C.GetAsync2("/api");
        Assert.Equal("APIVersions", api.Object["kind"]!.GetValue<string>());
        Assert.Equal($"127.0.0.1:{_fx.Server.Port}", api.Object["serverAddressByClientCIDRs"]![0]!["serverAddress"]!.GetValue<string>());
        var v1 = await C.GetAsync2("/api/v1");
        Assert.Contains(v1.Object["resources"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "serviceaccounts/token");
        var rbac = await C.GetAsync2("/apis/rbac.authorization.k8s.io/v1");
        Assert.Equal(4, rbac.Object["resources"]!.AsArray().Count);
        var group = await C.GetAsync2("/apis/rbac.authorization.k8s.io");
        Assert.Equal("APIGroup", group.Object["kind"]!.GetValue<string>());
        // every group /apis lists has its resources, so clients can cache discovery
        foreach (var g in (await C.GetAsync2("/apis")).Object["groups"]!.AsArray())
            foreach (var v in g!["versions"]!.AsArray())
            {
                var list = await C.GetAsync2("/apis/" + v!["groupVersion"]!.GetValue<string>());
                Assert.NotEmpty(list.Object["resources"]!.AsArray());
            }
        var version = await C.GetAsync2("/version");
        Assert.Equal("1", version.Object["major"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/apis/nope.example.com/v1/things")]
    [InlineData("/nonexistent")]
    [InlineData("/apis/nope.example.com")]
    public async Task Unknown_paths_are_the_muxs_plain_404(string path)
    {
        var r = await C.GetAsync2(path);
        Assert.Equal(HttpStatusCode.NotFound, r.Status);
        Assert.Equal("text/plain; charset=utf-8", r.ContentType);
        Assert.Equal("404 page not found\n", r.Text);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/foos")]
    [InlineData("/api/v1/foos")]
    [InlineData("/apis/rbac.authorization.k8s.io/v9")]
    [InlineData("/api/v1/namespaces/default/serviceaccounts/default/bogus")]
    public async Task Unknown_resources_under_a_known_version_are_a_json_404(string path)
    {
        var r = await C.GetAsync2(path);
        Assert.Equal((404, "NotFound", "the server could not find the requested resource"), (r.Code, r.Reason, r.Message));
        Assert.Equal("application/json", r.ContentType);
    }

    [Fact]
    public async Task Method_not_allowed_unauthorized_and_forbidden()
    {
        var put = await C.PutAsync2("/api/v1/namespaces/default/serviceaccounts", Api.Obj("""{"metadata":{"name":"x"}}"""));
        Assert.Equal((405, "the server does not allow this method on the requested resource"), (put.Code, put.Message));
        using var bad = _fx.Server.CreateClient("not-a-valid-token");
        var unauth = await bad.GetAsync2("/version");
        Assert.Equal((401, "Unauthorized", "Unauthorized"), (unauth.Code, unauth.Reason, unauth.Message));
        using var anon = _fx.Server.CreateClient(token: "");
        var forbidden = await anon.GetAsync2("/api/v1/namespaces");
        Assert.Equal(403, forbidden.Code);
        Assert.Equal("namespaces is forbidden: User \"system:anonymous\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope", forbidden.Message);
        var path = await anon.GetAsync2("/nonexistent");
        Assert.Equal("forbidden: User \"system:anonymous\" cannot get path \"/nonexistent\"", path.Message);
    }

    [Theory]
    [InlineData("Bearer {0}", 200)]
    [InlineData("bearer {0}", 200)]
    [InlineData("Bearer {0} trailing", 200)]
    [InlineData("Bearer  {0}", 401)]
    public async Task The_bearer_header_is_read_as_kube_apiserver_reads_it(string format, int expected)
    {
        // bearertoken.go: split on single spaces; the second part is the token, and an empty one is invalid.
        using var client = _fx.Server.CreateClient(token: "");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces");
        request.Headers.TryAddWithoutValidation("Authorization", string.Format(format, _fx.Server.AdminToken));
        using var response = await client.SendAsync(request);
        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Fact]
    public async Task Not_found_wording_names_the_group()
    {
        var r = await C.GetAsync2("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/nope");
        Assert.Equal("roles.rbac.authorization.k8s.io \"nope\" not found", r.Message);
        Assert.Equal("rbac.authorization.k8s.io", r.Object["details"]!["group"]!.GetValue<string>());
        var sa = await C.GetAsync2("/api/v1/namespaces/default/serviceaccounts/x");
        Assert.Equal("serviceaccounts \"x\" not found", sa.Message);
    }

    [Fact]
    public async Task Kubectl_table_output_is_served()
    {
        var r = await C.GetAsync2("/apis/rbac.authorization.k8s.io/v1/clusterroles", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        Assert.Equal("Table", r.Object["kind"]!.GetValue<string>());
        Assert.Equal("Name", r.Object["columnDefinitions"]![0]!["name"]!.GetValue<string>());
        Assert.Contains(r.Object["rows"]!.AsArray(), row => row!["cells"]![0]!.GetValue<string>() == "cluster-admin");
    }
}
