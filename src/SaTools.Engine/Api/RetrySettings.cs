namespace SaTools.Engine.Api;

/// <summary>
/// How hard the pipeline tries again after a 429, or for reads a 5xx or a connection reset (writes leave those to
/// the caller, who reads back: see RetryHandler): bounded exponential backoff with jitter, and the server's Retry-After when it sends one (capped so a confused server cannot park a runbook).
/// </summary>
public sealed class RetrySettings
{
    /// <summary>Retries after the first attempt: 10, as client-go's REST client allows
    /// (k8s.io/client-go/rest/request.go, NewRequest: maxRetries 10).</summary>
    public int MaxRetries { get; init; } = 10;

    /// <summary>The first backoff delay; each retry doubles it (with jitter) up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff delay.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest Retry-After honoured.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The defaults: 10 retries, 200 ms doubling to 2 s, Retry-After up to 10 s.</summary>
    public static RetrySettings Default { get; } = new();
}
