using SaTools.Engine.Api;

namespace SaTools.Engine.Tokens;

/// <summary>
/// Gets an issuer's signing keys for offline validation: from the API server (its discovery document and
/// <c>/openid/v1/jwks</c>), from an issuer URL (OIDC discovery, then <c>jwks_uri</c>), or from a JWKS file.
/// Every request goes through the module's HTTP pipeline (retries, request log without headers).
/// </summary>
public static class IssuerKeyLoader
{
    /// <summary>From the connected API server. The JWKS is read at <c>/openid/v1/jwks</c> on the server itself,
    /// not at the discovery document's <c>jwks_uri</c>, which names the address the server advertises
    /// (<c>--service-account-jwks-uri</c> or its external host) and may not be reachable from here.</summary>
    /// <exception cref="KubeApiException">The server refused or failed (403 for an anonymous caller).</exception>
    /// <exception cref="TokenValidationSetupException">The answers are not a discovery document or JWKS.</exception>
    public static async Task<IssuerSigningKeys> FromApiServerAsync(KubeApi api, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        var discoveryJson = await api.GetOpenIdConfigurationAsync(cancellationToken).ConfigureAwait(false);
        var discovery = OidcDiscoveryDocument.Parse(discoveryJson, api.Server + OidcDiscoveryDocument.WellKnownPath);
        var jwks = await api.GetServiceAccountIssuerKeysAsync(cancellationToken).ConfigureAwait(false);
        return IssuerSigningKeys.FromJwks(jwks, discovery.Issuer, api.Server + OidcDiscoveryDocument.ApiServerJwksPath);
    }

    /// <summary>From an OIDC issuer URL: <c>{issuer}/.well-known/openid-configuration</c>, then its <c>jwks_uri</c>.
    /// Plain http is refused except on loopback: keys fetched in the clear could be anyone's.</summary>
    /// <exception cref="TokenValidationSetupException">Unreachable, refused, or not a discovery document/JWKS.</exception>
    public static async Task<IssuerSigningKeys> FromIssuerAsync(Uri issuer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        RequireSecure(issuer);
        using var client = CreatePipelineClient();
        var discoveryUrl = OidcDiscoveryDocument.DiscoveryUrlFor(issuer);
        var discovery = OidcDiscoveryDocument.Parse(await GetAsync(client, discoveryUrl, "application/json", cancellationToken).ConfigureAwait(false), discoveryUrl.ToString());
        // The document must name the issuer it was fetched for (OpenID Connect Discovery 1.0 section 4.3; go-oidc,
        // which kube-apiserver's OIDC authenticator uses, refuses "issuer did not match"): otherwise tokens of
        // another issuer would pass as this one's. A trailing slash is the only difference tolerated.
        if (!string.Equals(discovery.Issuer.TrimEnd('/'), issuer.OriginalString.TrimEnd('/'), StringComparison.Ordinal))
        {
            throw new TokenValidationSetupException(
                $"The discovery document from {discoveryUrl} names the issuer '{discovery.Issuer}', not '{issuer.OriginalString}': the issuer did not match.");
        }
        if (!Uri.TryCreate(discovery.JwksUri, UriKind.Absolute, out var jwksUri))
        {
            throw new TokenValidationSetupException($"The discovery document from {discoveryUrl} names a jwks_uri that is not an absolute URL.");
        }
        RequireSecure(jwksUri);
        var jwks = await GetAsync(client, jwksUri, "application/jwk-set+json, application/json", cancellationToken).ConfigureAwait(false);
        return IssuerSigningKeys.FromJwks(jwks, discovery.Issuer, jwksUri.ToString());
    }

    /// <summary>From a JWKS file (air-gapped). <paramref name="issuer"/>, when given, is the issuer tokens must name.</summary>
    /// <exception cref="TokenValidationSetupException">The file cannot be read or is not a usable JWKS.</exception>
    public static IssuerSigningKeys FromFile(string path, string? issuer)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TokenValidationSetupException($"The JWKS file '{path}' cannot be read: {e.Message}", e);
        }
        return IssuerSigningKeys.FromJwks(json, issuer, path);
    }

    private static void RequireSecure(Uri uri)
    {
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        {
            throw new TokenValidationSetupException($"{uri} is not https: signing keys fetched without TLS could be replaced on the way. Use an https issuer or -JwksPath.");
        }
    }

    private static HttpClient CreatePipelineClient() =>
        new(new RetryHandler(RetrySettings.Default) { InnerHandler = new RequestLoggingHandler { InnerHandler = new SocketsHttpHandler() } })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };

    private static async Task<string> GetAsync(HttpClient client, Uri url, string accept, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd(accept);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new TokenValidationSetupException($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TokenValidationSetupException($"{url} cannot be reached ({ErrorTranslator.DescribeTransportFailure(e)}).", e);
        }
    }
}
