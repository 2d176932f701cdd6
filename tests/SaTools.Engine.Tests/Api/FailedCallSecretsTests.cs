using System.Net;
using k8s;
using k8s.Autorest;
using SaTools.Engine.Api;
using SaTools.Engine.Tokens;

namespace SaTools.Engine.Tests.Api;

/// <summary>
/// A failed call must not carry a credential anywhere in the exception it raises: KubernetesClient's own
/// HttpOperationException keeps the request's headers (the caller's bearer token) and body (a TokenReview's token),
/// and PowerShell's Get-Error prints an exception's whole graph.
/// </summary>
public sealed class FailedCallSecretsTests
{
    private const string CallerToken = "caller-bearer-token-value";
    private const string ReviewedToken = "reviewed-token-value";

    /// <summary>Answers every request itself, before it reaches the network.</summary>
    private sealed class Refuse(HttpStatusCode status) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status)
            {
                Content = new StringContent("""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"tokenreviews.authentication.k8s.io is forbidden","reason":"Forbidden","code":403}"""),
            });
    }

    [Fact]
    public async Task AFailedTokenReviewCarriesNeitherTheBearerTokenNorTheReviewedToken()
    {
        var config = new KubernetesClientConfiguration { Host = "https://k8s.test", AccessToken = CallerToken };
        using var client = new Kubernetes(config, new Refuse(HttpStatusCode.Forbidden));
        var api = new KubeApi(client, "https://k8s.test");

        var e = await Assert.ThrowsAsync<KubeApiException>(() =>
            api.CreateTokenReviewAsync(TokenReviewMapper.Build(ReviewedToken, Array.Empty<string>()), CancellationToken.None));

        Assert.Equal(KubeErrorKind.Forbidden, e.Kind);
        Assert.Equal("tokenreviews.authentication.k8s.io is forbidden", e.Message);
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            Assert.DoesNotContain(CallerToken, current.ToString());
            Assert.DoesNotContain(ReviewedToken, current.ToString());
            if (current is HttpOperationException http && http.Request is { } request)
            {
                var headers = string.Join("\n", request.Headers.SelectMany(h => h.Value));
                Assert.DoesNotContain(CallerToken, headers);
                Assert.DoesNotContain(ReviewedToken, request.Content ?? "");
            }
        }
    }
}
