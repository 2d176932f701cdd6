using k8s.Models;

namespace SaTools.Engine.Tokens;

/// <summary>Builds the TokenRequest body and maps the server's answer to a <see cref="BoundToken"/>.</summary>
internal static class TokenRequestMapper
{
    public static Authenticationv1TokenRequest Build(BoundTokenRequest request)
    {
        var spec = new V1TokenRequestSpec
        {
            // An empty list lets the server fill in its own audiences (pkg/registry/.../token.go).
            Audiences = request.Audiences.Count > 0 ? request.Audiences.ToList() : new List<string>(),
            ExpirationSeconds = request.ExpirationSeconds,
        };
        if (request.BoundObject is { } bound)
        {
            spec.BoundObjectRef = new V1BoundObjectReference
            {
                ApiVersion = "v1",
                Kind = bound.Kind,
                Name = bound.Name,
                Uid = string.IsNullOrEmpty(bound.Uid) ? null : bound.Uid,
            };
        }
        return new Authenticationv1TokenRequest
        {
            ApiVersion = "authentication.k8s.io/v1",
            Kind = "TokenRequest",
            Spec = spec,
        };
    }

    /// <exception cref="InvalidOperationException">The server answered without a token.</exception>
    /// <exception cref="MalformedTokenException">The server's token is not a JWT (not a kube-apiserver).</exception>
    public static BoundToken Map(BoundTokenRequest request, Authenticationv1TokenRequest response, DateTimeOffset now)
    {
        var token = response.Status?.Token;
        if (string.IsNullOrEmpty(token))
        {
            throw new InvalidOperationException($"The API server answered the TokenRequest for {request.Namespace}/{request.ServiceAccount} without a token.");
        }
        var inspected = TokenInspector.Inspect(token);
        var audiences = response.Spec?.Audiences is { Count: > 0 } specAudiences
            ? specAudiences.ToArray()
            : inspected.Audiences.ToArray();
        var issuedAt = inspected.IssuedAt ?? ToOffset(response.Metadata?.CreationTimestamp) ?? now;
        return new BoundToken(request, token, inspected, ToOffset(response.Status?.ExpirationTimestamp), audiences, issuedAt);
    }

    private static DateTimeOffset? ToOffset(DateTime? time) =>
        time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, t.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : t.Kind)).ToUniversalTime() : null;
}
