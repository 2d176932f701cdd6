using System.Net;
using System.Text.Json.Nodes;

namespace KubeSandbox.Tests;

/// <summary>/openapi/v3 (kube-openapi handler3's index and group-version documents) and server-side field validation.</summary>
public sealed class OpenApiTests(DemoSandbox fx) : IClassFixture<DemoSandbox>
{
    [Fact]
    public async Task The_index_lists_a_document_per_served_group_version_with_its_hash()
    {
        var index = await fx.Client.GetAsync2("/openapi/v3");
        Assert.Equal(HttpStatusCode.OK, index.Status);
        var paths = index.Object["paths"]!.AsObject();
        Assert.Equal(new[] { "api/v1", "apis/apps/v1", "apis/authentication.k8s.io/v1", "apis/authorization.k8s.io/v1", "apis/batch/v1", "apis/rbac.authorization.k8s.io/v1" },
            paths.Select(p => p.Key).ToArray());
        var url = paths["api/v1"]!["serverRelativeURL"]!.GetValue<string>();
        Assert.Matches("^/openapi/v3/api/v1\\?hash=[0-9A-F]{128}$", url);

        var core = await fx.Client.GetAsync2(url);
        Assert.Equal(HttpStatusCode.OK, core.Status);
        var docPaths = core.Object["paths"]!.AsObject();
        // Only what the sandbox serves: no watch paths, no services; nodes read-only.
        Assert.DoesNotContain(docPaths, p => p.Key.Contains("/watch/", StringComparison.Ordinal));
        Assert.DoesNotContain(docPaths, p => p.Key.Contains("/services", StringComparison.Ordinal));
        Assert.Equal(new[] { "get", "parameters" }, docPaths["/api/v1/nodes/{name}"]!.AsObject().Select(o => o.Key).OrderBy(k => k).ToArray());
        Assert.NotNull(docPaths["/api/v1/namespaces/{namespace}/pods/{name}/log"]);
        // The PATCH operation names its kind and takes fieldValidation: what kubectl looks for.
        var patch = docPaths["/api/v1/namespaces/{namespace}/serviceaccounts/{name}"]!["patch"]!;
        Assert.Equal("{\"group\":\"\",\"kind\":\"ServiceAccount\",\"version\":\"v1\"}", patch["x-kubernetes-group-version-kind"]!.ToJsonString());
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation");

        var apps = await fx.Client.GetAsync2("/openapi/v3/apis/apps/v1");
        Assert.Equal("Deployment", apps.Object["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!["x-kubernetes-group-version-kind"]!["kind"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await fx.Client.GetAsync2("/openapi/v3/apis/storage.k8s.io/v1")).Status);
    }

    [Fact]
    public async Task Unknown_fields_are_refused_with_Strict_warned_by_default_and_ignored_with_Ignore()
    {
        await fx.Client.CreateNamespaceAsync("openapi-fields");
        const string body = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"Role\",\"metadata\":{\"name\":\"r\",\"bogusMeta\":1},\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"nope\":true}],\"extra\":{}}";
        var strict = await fx.Client.SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/namespaces/openapi-fields/roles?fieldValidation=Strict", body);
        Assert.Equal(HttpStatusCode.BadRequest, strict.Status);
        Assert.Equal("Role in version \"v1\" cannot be handled as a Role: strict decoding error: unknown field \"metadata.bogusMeta\", unknown field \"rules[0].nope\", unknown field \"extra\"", strict.Message);

        var warned = await fx.Client.SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/namespaces/openapi-fields/roles", body);
        Assert.Equal(HttpStatusCode.Created, warned.Status);
        Assert.Equal(new[] { "299 - \"unknown field \\\"metadata.bogusMeta\\\"\"", "299 - \"unknown field \\\"rules[0].nope\\\"\"", "299 - \"unknown field \\\"extra\\\"\"" },
            warned.Response.Headers.GetValues("Warning").ToArray());

        var ignored = await fx.Client.SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/namespaces/openapi-fields/roles?fieldValidation=Ignore", body.Replace("\"r\"", "\"r2\""));
        Assert.Equal(HttpStatusCode.Created, ignored.Status);
        Assert.False(ignored.Response.Headers.Contains("Warning"));

        // A strategic merge patch is checked as the object it patches; its $ directives are not fields.
        var patch = await fx.Client.SendAsync(HttpMethod.Patch, "/apis/rbac.authorization.k8s.io/v1/namespaces/openapi-fields/roles/r?fieldValidation=Strict",
            "{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"$setElementOrder/rules\":[],\"bogus\":1}", "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.BadRequest, patch.Status);
        Assert.EndsWith("strict decoding error: unknown field \"bogus\"", patch.Message);
    }
}
