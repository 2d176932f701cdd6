using System.Diagnostics;

namespace SaTools.Engine.Api;

/// <summary>
/// Innermost handler of the pipeline: reports each attempt (so a retried request shows every try) to the
/// <see cref="RequestLog"/> scope of the calling flow. Only the verb, path, query, status and time are taken:
/// never a header, so never the bearer token.
/// </summary>
internal sealed class RequestLoggingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var method = request.Method.Method;
        var path = request.RequestUri?.PathAndQuery ?? "";
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            RequestLog.Report(new RequestLogEntry(method, path, (int)response.StatusCode, Stopwatch.GetElapsedTime(started), null));
            return response;
        }
        catch (Exception e)
        {
            var failure = e is OperationCanceledException && cancellationToken.IsCancellationRequested
                ? "cancelled"
                : ErrorTranslator.DescribeTransportFailure(e);
            RequestLog.Report(new RequestLogEntry(method, path, null, Stopwatch.GetElapsedTime(started), failure));
            throw;
        }
    }
}
