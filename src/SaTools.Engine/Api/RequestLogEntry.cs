namespace SaTools.Engine.Api;

/// <summary>
/// One HTTP attempt as the request log sees it: verb, path with query, status, duration. Headers (and so the
/// Authorization token) are never recorded.
/// </summary>
/// <param name="Method">The HTTP verb.</param>
/// <param name="PathAndQuery">The request path and query string.</param>
/// <param name="StatusCode">The response status, or null when no response came (reset, refused, TLS, cancelled).</param>
/// <param name="Duration">Time until the response headers arrived or the attempt failed.</param>
/// <param name="Failure">For an attempt without a response, a short description of why.</param>
public sealed record RequestLogEntry(string Method, string PathAndQuery, int? StatusCode, TimeSpan Duration, string? Failure)
{
    /// <summary>One line for -Verbose: <c>GET /api/v1/serviceaccounts?limit=500 200 (12 ms)</c>.</summary>
    public override string ToString() =>
        $"{Method} {PathAndQuery} {(StatusCode?.ToString() ?? Failure ?? "no response")} ({Duration.TotalMilliseconds:0} ms)";
}
