using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeSandbox.Tests;

/// <summary>A sandbox shared by the tests of one class (xunit class fixture).</summary>
public class BootstrapSandbox : IAsyncLifetime
{
    public SandboxServer Server { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    protected virtual SandboxOptions Options => new() { Scenario = "bootstrap" };

    public async Task InitializeAsync()
    {
        Server = await SandboxServer.StartAsync(Options);
        Client = Server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

public sealed class DemoSandbox : BootstrapSandbox
{
    protected override SandboxOptions Options => new() { Scenario = "demo" };
}

/// <summary>The demo estate answering as Kubernetes 1.26 (the release of the recording and, near enough, of the
/// shared OpenAPI documents).</summary>
public sealed class DemoSandbox126 : BootstrapSandbox
{
    protected override SandboxOptions Options => new() { Scenario = "demo", KubernetesVersion = "1.26" };
}

/// <summary>An HTTP answer: status, content type, raw text and (when JSON) the parsed body.</summary>
public sealed record ApiResult(HttpStatusCode Status, string? ContentType, string Text, HttpResponseMessage Response)
{
    public JsonNode? Json => Text.Length > 0 && ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true ? JsonNode.Parse(Text) : null;
    public JsonObject Object => (JsonObject)Json!;
    public int Code => (int)Status;
    public string? Message => Json?["message"]?.GetValue<string>();
    public string? Reason => Json?["reason"]?.GetValue<string>();
}

public static class Api
{
    public static async Task<ApiResult> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null, string contentType = "application/json", string? accept = "application/json")
    {
        using var req = new HttpRequestMessage(method, path);
        if (accept is not null) req.Headers.Accept.ParseAdd(accept);
        if (body is not null)
        {
            var text = body as string ?? (body as JsonNode)?.ToJsonString() ?? System.Text.Json.JsonSerializer.Serialize(body);
            req.Content = new StringContent(text, Encoding.UTF8);
            req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        var resp = await client.SendAsync(req);
        var t = await resp.Content.ReadAsStringAsync();
        return new ApiResult(resp.StatusCode, resp.Content.Headers.ContentType?.ToString(), t, resp);
    }

    public static Task<ApiResult> GetAsync2(this HttpClient c, string path, string? accept = "application/json") => c.SendAsync(HttpMethod.Get, path, null, accept: accept);
    public static Task<ApiResult> PostAsync2(this HttpClient c, string path, object body) => c.SendAsync(HttpMethod.Post, path, body);
    public static Task<ApiResult> PutAsync2(this HttpClient c, string path, object body) => c.SendAsync(HttpMethod.Put, path, body);
    public static Task<ApiResult> PatchAsync2(this HttpClient c, string path, object body, string contentType) => c.SendAsync(HttpMethod.Patch, path, body, contentType);
    public static Task<ApiResult> DeleteAsync2(this HttpClient c, string path) => c.SendAsync(HttpMethod.Delete, path);

    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    public static async Task CreateNamespaceAsync(this HttpClient c, string name, string labels = "{}")
    {
        var r = await c.PostAsync2("/api/v1/namespaces", Obj("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + labels + "}}"));
        Assert.Equal(HttpStatusCode.Created, r.Status);
    }

    public static async Task CreateServiceAccountAsync(this HttpClient c, string ns, string name, string extra = "")
    {
        var r = await c.PostAsync2($"/api/v1/namespaces/{ns}/serviceaccounts", Obj("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"" + name + "\"}" + extra + "}"));
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
    }

    public static IEnumerable<string> Names(this ApiResult list) =>
        ((JsonArray)list.Object["items"]!).Select(i => i!["metadata"]!["name"]!.GetValue<string>());
}
