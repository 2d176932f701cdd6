namespace KubeSandbox.Api;

/// <summary>
/// A non-resource path the sandbox serves besides discovery and health (for example the OIDC discovery
/// document and the JWKS). The HTTP layer authenticates and authorizes the request as a non-resource
/// request (verb from the method, the path) and then calls <see cref="Handle"/>. Throw
/// <see cref="ApiException"/> to answer with a Status (406 for an unacceptable Accept, for instance).
/// </summary>
public interface INonResourceHandler
{
    /// <summary>The exact path, for example <c>/openid/v1/jwks</c>.</summary>
    string Path { get; }

    NonResourceResponse Handle(RequestContext context, string? accept);
}

/// <summary>An answer to a non-resource request: status code, Content-Type and body bytes.</summary>
public sealed record NonResourceResponse(int StatusCode, string ContentType, byte[] Body);

/// <summary>Where the sandbox is and what it calls itself, for handlers that need it (issuer, jwks_uri, kubeconfig).</summary>
public sealed record ServerIdentity(
    /// <summary>https://127.0.0.1:port, where clients reach the server.</summary>
    string Url,
    /// <summary>host:port the server advertises (discovery serverAddressByClientCIDRs, the OIDC jwks_uri).</summary>
    string AdvertisedAddress,
    string CaCertificatePem,
    string AdminToken);
