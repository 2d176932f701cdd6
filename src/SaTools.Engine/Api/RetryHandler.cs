using System.Net;
using System.Net.Sockets;
using Polly;
using Polly.Retry;

namespace SaTools.Engine.Api;

/// <summary>
/// Outermost handler of the pipeline: retries what the API server says is worth retrying. 429 (API Priority and
/// Fairness or a webhook rate limit) and 5xx come with Retry-After from kube-apiserver
/// (staging/src/k8s.io/apiserver/pkg/server/filters/maxinflight.go, priority-and-fairness.go), honoured here.
/// Connection resets are retried too, for reads. A write (POST, PUT, PATCH, DELETE) is retried here only on 429,
/// which the server sends before doing anything: after a 5xx or a dropped connection the write may have been carried
/// out (over HTTP/2 one reset ends every request in flight on the connection, answered or not), so the caller reads
/// back and decides, and nothing is written twice behind its back.
/// </summary>
internal sealed class RetryHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _read;
    private readonly ResiliencePipeline<HttpResponseMessage> _write;

    public RetryHandler(RetrySettings settings)
    {
        _read = Build(settings, retryServerErrors: true);
        _write = Build(settings, retryServerErrors: false);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = IsRead(request.Method) ? _read : _write;
        // The same request message is sent again: handlers below HttpClient do not refuse that, and the
        // client's bodies are buffered string content, so they can be read again.
        return await pipeline.ExecuteAsync(
            static async (state, ct) => await state.Handler.SendCoreAsync(state.Request, ct).ConfigureAwait(false),
            (Handler: this, Request: request),
            cancellationToken).ConfigureAwait(false);
    }

    private static bool IsRead(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Head;

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private static ResiliencePipeline<HttpResponseMessage> Build(RetrySettings settings, bool retryServerErrors) =>
        new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, settings.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    settings.MaxRetries > 0 && ShouldRetry(args.Outcome, retryServerErrors, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, settings.MaxRetryAfter)),
                OnRetry = args =>
                {
                    // The failed response is not handed to anyone: release its connection.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();

    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, bool retryServerErrors, CancellationToken cancellationToken)
    {
        if (outcome.Result is { } response)
        {
            var status = (int)response.StatusCode;
            if (status == 429) return true;
            return retryServerErrors && status is 500 or 502 or 503 or 504;
        }
        return retryServerErrors && outcome.Exception is { } e && !cancellationToken.IsCancellationRequested && IsConnectionReset(e);
    }

    /// <summary>A dropped connection is worth another try; a refused one, a TLS failure or a bad name is not.</summary>
    internal static bool IsConnectionReset(Exception e)
    {
        if (e is OperationCanceledException) return false;
        if (e is HttpRequestException http)
        {
            if (http.HttpRequestError is HttpRequestError.SecureConnectionError or HttpRequestError.NameResolutionError)
                return false;
            if (FindSocketError(e) is SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
                return false;
            return http.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.ConnectionError
                or HttpRequestError.InvalidResponse or HttpRequestError.Unknown or HttpRequestError.HttpProtocolError;
        }
        return e is IOException;
    }

    internal static SocketError? FindSocketError(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket) return socket.SocketErrorCode;
        }
        return null;
    }

    /// <summary>The server's Retry-After (seconds or a date), capped; null lets the exponential backoff decide.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null) return null;
        TimeSpan? wait = header.Delta ?? (header.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is null) return null;
        if (wait < TimeSpan.Zero) return TimeSpan.Zero;
        return wait > cap ? cap : wait;
    }
}
