using System.Net;
using SaTools.Engine.Api;

namespace SaTools.Engine.Tests.Api;

public sealed class RequestLogTests
{
    private sealed class Answer(HttpStatusCode status) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status));
    }

    [Fact]
    public async Task EachAttemptIsLoggedWithoutHeaders()
    {
        var entries = new List<RequestLogEntry>();
        using var invoker = new HttpMessageInvoker(new RequestLoggingHandler { InnerHandler = new Answer(HttpStatusCode.Forbidden) });
        var request = new HttpRequestMessage(HttpMethod.Get, "https://k8s.test/api/v1/namespaces/a/serviceaccounts?limit=500");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "secret-token-value");
        using (RequestLog.BeginScope(entries.Add))
        {
            await invoker.SendAsync(request, CancellationToken.None);
        }
        var entry = Assert.Single(entries);
        Assert.Equal("GET", entry.Method);
        Assert.Equal("/api/v1/namespaces/a/serviceaccounts?limit=500", entry.PathAndQuery);
        Assert.Equal(403, entry.StatusCode);
        Assert.DoesNotContain("secret-token-value", entry.ToString());
        Assert.StartsWith("GET /api/v1/namespaces/a/serviceaccounts?limit=500 403 (", entry.ToString());
    }

    [Fact]
    public async Task ScopesRouteToTheirOwnSinkAndEnd()
    {
        var outer = new List<RequestLogEntry>();
        var inner = new List<RequestLogEntry>();
        using var invoker = new HttpMessageInvoker(new RequestLoggingHandler { InnerHandler = new Answer(HttpStatusCode.OK) });
        using (RequestLog.BeginScope(outer.Add))
        {
            using (RequestLog.BeginScope(inner.Add))
            {
                await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://k8s.test/one"), CancellationToken.None);
            }
            await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://k8s.test/two"), CancellationToken.None);
        }
        await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://k8s.test/three"), CancellationToken.None);
        Assert.Equal("/one", Assert.Single(inner).PathAndQuery);
        Assert.Equal("/two", Assert.Single(outer).PathAndQuery);
    }

    [Fact]
    public async Task AFailingSinkDoesNotFailTheRequest()
    {
        using var invoker = new HttpMessageInvoker(new RequestLoggingHandler { InnerHandler = new Answer(HttpStatusCode.OK) });
        using (RequestLog.BeginScope(_ => throw new InvalidOperationException("sink broke")))
        {
            var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://k8s.test/"), CancellationToken.None);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
