using System.Text.Json.Nodes;

namespace KubeSandbox.Api;

/// <summary>
/// An API error the sandbox answers with a <c>Status</c> object (kind Status, apiVersion v1, status Failure),
/// carrying the reason, code, message and details the real kube-apiserver sends for the same failure.
/// Thrown anywhere below the HTTP layer; the HTTP layer turns it into the response.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    /// <summary>The HTTP status code, also <c>Status.code</c>.</summary>
    public int Code { get; }

    /// <summary><c>Status.reason</c>, for example <c>NotFound</c>, <c>Forbidden</c>, <c>Invalid</c>.</summary>
    public string Reason { get; }

    /// <summary><c>Status.details</c>, or null when the real server sends none.</summary>
    public JsonObject? Details { get; }
}
