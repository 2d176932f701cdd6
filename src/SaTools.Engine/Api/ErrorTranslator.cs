using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using k8s.Autorest;
using k8s.Exceptions;

namespace SaTools.Engine.Api;

/// <summary>
/// Turns whatever the client library, the HTTP stack or the kubeconfig loader throws into a
/// <see cref="KubeApiException"/>: the server's Status message when there is one (its shape is
/// staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go, type Status), else a sentence saying what to do.
/// Cancellation by the caller's token is left as it is.
/// </summary>
internal static class ErrorTranslator
{
    public static Exception Translate(Exception e, string? server, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case KubeApiException:
                return e;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return e;
            case AggregateException { InnerExceptions.Count: 1 } aggregate:
                return Translate(aggregate.InnerExceptions[0], server, cancellationToken);
            case HttpOperationException http:
                return FromResponse(http);
            case OperationCanceledException:
                // HttpClient reports its own timeout as a cancellation the caller did not ask for.
                return new KubeApiException(KubeErrorKind.Unreachable,
                    $"The API server {server} did not answer in time. Check that the cluster is up and reachable from here.", e);
            case KubeConfigException:
                return new KubeApiException(KubeErrorKind.InvalidConfiguration, $"The kubeconfig cannot be used: {FirstLine(e.Message)}", e);
        }

        if (IsTlsFailure(e))
        {
            return new KubeApiException(KubeErrorKind.Tls,
                $"The TLS connection to {server} failed: the server's certificate is not trusted or the handshake failed ({FirstLine(Innermost(e).Message)}). " +
                "Give the cluster's CA with -CertificateAuthority (or certificate-authority-data in the kubeconfig); " +
                "-SkipTlsVerification turns checking off for a test cluster only.", e);
        }

        if (e is HttpRequestException or IOException or SocketException)
        {
            return new KubeApiException(KubeErrorKind.Unreachable,
                $"The API server {server} cannot be reached ({DescribeTransportFailure(e)}). Check the server address, the network path and that the cluster is running.", e);
        }

        return e;
    }

    public static KubeApiException FromResponse(HttpOperationException e)
    {
        var status = (int)(e.Response?.StatusCode ?? 0);
        var (message, reason) = ReadStatus(e.Response?.Content);
        var request = e.Request is { } r ? $"{r.Method} {r.RequestUri?.AbsolutePath}" : null;
        // Not kept as the inner exception: KubernetesClient's HttpOperationException holds the request's headers
        // (the bearer token) and body (a TokenReview's token), and Get-Error prints an exception's whole graph.
        return FromStatus(status, message, reason, request, inner: null);
    }

    public static KubeApiException FromStatus(int status, string? message, string? reason, string? request, Exception? inner)
    {
        var kind = status switch
        {
            400 or 422 => KubeErrorKind.Invalid,
            401 => KubeErrorKind.Unauthorized,
            403 => KubeErrorKind.Forbidden,
            404 => KubeErrorKind.NotFound,
            409 => KubeErrorKind.Conflict,
            410 => KubeErrorKind.Expired,
            429 or >= 500 => KubeErrorKind.Unavailable,
            _ => KubeErrorKind.Other,
        };
        message = string.IsNullOrWhiteSpace(message) ? DefaultMessage(status, request) : message;
        return new KubeApiException(kind, message!, inner) { StatusCode = status, Reason = reason, Request = request };
    }

    private static string DefaultMessage(int status, string? request) => status switch
    {
        401 => "The API server did not accept the credentials (401 Unauthorized). The token may have expired or been revoked: log in again or give a valid -Token.",
        403 => $"Forbidden (403) on {request}.",
        429 => "The API server is throttling requests (429) and kept doing so after every retry. Try again later.",
        >= 500 => $"The API server failed ({status}) on {request} after every retry. Try again later.",
        _ => $"The API server answered {status} on {request}.",
    };

    /// <summary>Reads <c>message</c> and <c>reason</c> of a Status body; nothing when the body is not one.</summary>
    internal static (string? Message, string? Reason) ReadStatus(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return (null, null);
            string? Get(string name) =>
                doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (Get("message"), Get("reason"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    internal static bool IsTlsFailure(Exception e)
    {
        if (e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }) return true;
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is AuthenticationException) return true;
        }
        return false;
    }

    /// <summary>A short description of a transport failure, without any header or body.</summary>
    internal static string DescribeTransportFailure(Exception e)
    {
        if (IsTlsFailure(e)) return "TLS handshake failed";
        if (RetryHandler.FindSocketError(e) is { } socketError) return $"socket {socketError}";
        if (e is HttpRequestException http && http.HttpRequestError != HttpRequestError.Unknown) return http.HttpRequestError.ToString();
        return FirstLine(Innermost(e).Message);
    }

    /// <summary>The first line of a library's message: some (the kubeconfig loader's) carry an inner exception's
    /// whole ToString(), stack trace included, which must never reach a user.</summary>
    internal static string FirstLine(string? message)
    {
        if (string.IsNullOrWhiteSpace(message)) return "";
        var line = message.Split('\n', 2)[0].Trim();
        var nested = line.IndexOf(" ---> ", StringComparison.Ordinal);
        return nested > 0 ? line[..nested] : line;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
