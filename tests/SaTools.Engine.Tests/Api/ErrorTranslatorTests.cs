using System.Net.Sockets;
using System.Security.Authentication;
using SaTools.Engine.Api;

namespace SaTools.Engine.Tests.Api;

public sealed class ErrorTranslatorTests
{
    [Theory]
    [InlineData(400, KubeErrorKind.Invalid)]
    [InlineData(401, KubeErrorKind.Unauthorized)]
    [InlineData(403, KubeErrorKind.Forbidden)]
    [InlineData(404, KubeErrorKind.NotFound)]
    [InlineData(409, KubeErrorKind.Conflict)]
    [InlineData(410, KubeErrorKind.Expired)]
    [InlineData(422, KubeErrorKind.Invalid)]
    [InlineData(429, KubeErrorKind.Unavailable)]
    [InlineData(500, KubeErrorKind.Unavailable)]
    [InlineData(503, KubeErrorKind.Unavailable)]
    [InlineData(418, KubeErrorKind.Other)]
    public void StatusCodesMapToKinds(int status, KubeErrorKind kind)
    {
        var e = ErrorTranslator.FromStatus(status, null, null, "GET /api/v1/pods", null);
        Assert.Equal(kind, e.Kind);
        Assert.Equal(status, e.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void TheServersStatusMessageIsKept()
    {
        const string body = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"serviceaccounts is forbidden: User \"jane\" cannot list resource \"serviceaccounts\" in API group \"\" in the namespace \"payments\"","reason":"Forbidden","details":{"kind":"serviceaccounts"},"code":403}""";
        var (message, reason) = ErrorTranslator.ReadStatus(body);
        Assert.StartsWith("serviceaccounts is forbidden: User \"jane\"", message);
        Assert.Equal("Forbidden", reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("<html>bad gateway</html>")]
    public void NonStatusBodiesGiveNoMessage(string body) => Assert.Equal((null, null), ErrorTranslator.ReadStatus(body));

    [Fact]
    public void TlsFailuresAreTls()
    {
        var e = new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established", new AuthenticationException("The remote certificate was rejected"));
        var translated = Assert.IsType<KubeApiException>(ErrorTranslator.Translate(e, "https://k8s.test", CancellationToken.None));
        Assert.Equal(KubeErrorKind.Tls, translated.Kind);
        Assert.Contains("-CertificateAuthority", translated.Message);
    }

    [Fact]
    public void RefusedConnectionsAreUnreachable()
    {
        var e = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var translated = Assert.IsType<KubeApiException>(ErrorTranslator.Translate(e, "https://k8s.test", CancellationToken.None));
        Assert.Equal(KubeErrorKind.Unreachable, translated.Kind);
        Assert.Contains("https://k8s.test", translated.Message);
    }

    [Fact]
    public void HttpClientTimeoutIsUnreachableButCallerCancellationStaysCancellation()
    {
        var timeout = ErrorTranslator.Translate(new TaskCanceledException("timeout"), "https://k8s.test", CancellationToken.None);
        Assert.Equal(KubeErrorKind.Unreachable, Assert.IsType<KubeApiException>(timeout).Kind);

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = new OperationCanceledException(cts.Token);
        Assert.Same(cancelled, ErrorTranslator.Translate(cancelled, "https://k8s.test", cts.Token));
    }

    [Theory]
    [InlineData("external exec failed: System.Text.Json.JsonException: bad\n   at System.Text.Json.ThrowHelper.Throw()", "external exec failed: System.Text.Json.JsonException: bad")]
    [InlineData("outer ---> inner", "outer")]
    [InlineData("plain", "plain")]
    [InlineData(null, "")]
    public void LibraryMessagesLoseTheirStackTraces(string? message, string expected) =>
        Assert.Equal(expected, ErrorTranslator.FirstLine(message));
}
