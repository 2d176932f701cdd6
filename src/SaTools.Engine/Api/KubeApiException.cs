namespace SaTools.Engine.Api;

/// <summary>
/// The one exception the engine throws for a failed call to the cluster or a connection that cannot be made.
/// <see cref="Kind"/> tells the cmdlet which ErrorRecord to build; <see cref="Exception.Message"/> is the server's Status
/// message (or a sentence saying what to do) and never contains a token.
/// </summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException(KubeErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public KubeErrorKind Kind { get; }

    /// <summary>The HTTP status code, when the server answered.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The Status reason (<c>NotFound</c>, <c>Forbidden</c>, <c>Expired</c>...), when the server gave one.</summary>
    public string? Reason { get; init; }

    /// <summary>The HTTP verb and path of the failed request, when there was one (no query string, no header).</summary>
    public string? Request { get; init; }
}
