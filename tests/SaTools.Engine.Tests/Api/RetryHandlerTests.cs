using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SaTools.Engine.Api;

namespace SaTools.Engine.Tests.Api;

public sealed class RetryHandlerTests
{
    private static readonly RetrySettings Fast = new() { MaxRetries = 4, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), MaxRetryAfter = TimeSpan.FromMilliseconds(50) };

    /// <summary>Answers from a script of outcomes, one per attempt.</summary>
    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public int Attempts { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = script[Math.Min(Attempts, script.Length - 1)];
            Attempts++;
            return Task.FromResult(step());
        }
    }

    private static Func<HttpResponseMessage> Status(int code, TimeSpan? retryAfter = null) => () =>
    {
        var r = new HttpResponseMessage((HttpStatusCode)code) { Content = new StringContent("{}") };
        if (retryAfter is { } ra) r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(ra);
        return r;
    };

    private static Func<HttpResponseMessage> Throw(Exception e) => () => throw e;

    private static async Task<(HttpResponseMessage Response, ScriptedHandler Inner)> Send(HttpMethod method, RetrySettings settings, params Func<HttpResponseMessage>[] script)
    {
        var inner = new ScriptedHandler(script);
        using var invoker = new HttpMessageInvoker(new RetryHandler(settings) { InnerHandler = inner });
        var response = await invoker.SendAsync(new HttpRequestMessage(method, "https://k8s.test/api/v1/pods"), CancellationToken.None);
        return (response, inner);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task RetriesTransientStatusesOnReads(int status)
    {
        var (response, inner) = await Send(HttpMethod.Get, Fast, Status(status), Status(status), Status(200));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, inner.Attempts);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(410)]
    [InlineData(422)]
    public async Task DoesNotRetryAnswers(int status)
    {
        var (response, inner) = await Send(HttpMethod.Get, Fast, Status(status), Status(200));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(1, inner.Attempts);
    }

    [Fact]
    public async Task RetriesConnectionResets()
    {
        var reset = new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
        var (response, inner) = await Send(HttpMethod.Get, Fast, Throw(reset), Throw(new IOException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset))), Status(200));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, inner.Attempts);
    }

    [Fact]
    public async Task DoesNotRetryARefusedConnection()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
        var inner = new ScriptedHandler(Throw(refused), Status(200));
        using var invoker = new HttpMessageInvoker(new RetryHandler(Fast) { InnerHandler = inner });
        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://k8s.test/"), CancellationToken.None));
        Assert.Equal(1, inner.Attempts);
    }

    public static TheoryData<string> WriteMethods => new() { "POST", "PUT", "PATCH", "DELETE" };

    [Theory]
    [MemberData(nameof(WriteMethods))]
    public async Task AWriteIsRetriedOnlyOn429(string method)
    {
        var verb = new HttpMethod(method);
        var (done, inner1) = await Send(verb, Fast, Status(429), Status(200));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(2, inner1.Attempts);

        // A 5xx or a reset may come after the server carried the write out: the caller reads back instead.
        var (failed, inner2) = await Send(verb, Fast, Status(500), Status(200));
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(1, inner2.Attempts);

        var inner3 = new ScriptedHandler(Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "reset")), Status(200));
        using var invoker = new HttpMessageInvoker(new RetryHandler(Fast) { InnerHandler = inner3 });
        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(new HttpRequestMessage(verb, "https://k8s.test/"), CancellationToken.None));
        Assert.Equal(1, inner3.Attempts);
    }

    [Fact]
    public async Task GivesUpAfterMaxRetriesWithTheLastAnswer()
    {
        var (response, inner) = await Send(HttpMethod.Get, Fast, Status(503));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(Fast.MaxRetries + 1, inner.Attempts);
    }

    [Fact]
    public void RetryAfterIsHonouredAndCapped()
    {
        using var soon = Status(429, TimeSpan.FromSeconds(2))();
        Assert.Equal(TimeSpan.FromSeconds(2), RetryHandler.RetryAfter(soon, TimeSpan.FromSeconds(10)));
        using var late = Status(429, TimeSpan.FromSeconds(120))();
        Assert.Equal(TimeSpan.FromSeconds(10), RetryHandler.RetryAfter(late, TimeSpan.FromSeconds(10)));
        using var none = Status(429)();
        Assert.Null(RetryHandler.RetryAfter(none, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task CancellationDuringARetryDelayStopsPromptly()
    {
        var slow = new RetrySettings { MaxRetries = 3, BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30), MaxRetryAfter = TimeSpan.FromSeconds(30) };
        var inner = new ScriptedHandler(Status(429, TimeSpan.FromSeconds(30)));
        using var invoker = new HttpMessageInvoker(new RetryHandler(slow) { InnerHandler = inner });
        using var cts = new CancellationTokenSource();
        var send = invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://k8s.test/"), cts.Token);
        while (inner.Attempts == 0) await Task.Delay(5);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Equal(1, inner.Attempts);
    }
}
