using System.Text.Json;

namespace SaTools.Engine.Tokens;

/// <summary>
/// The parts of an OpenID Connect discovery document (<c>/.well-known/openid-configuration</c>) that token
/// validation needs. kube-apiserver serves one for its ServiceAccount issuer (pkg/serviceaccount/openidmetadata.go).
/// </summary>
public sealed class OidcDiscoveryDocument
{
    /// <summary>The path kube-apiserver (and any OIDC issuer) serves the document at, relative to the issuer.</summary>
    public const string WellKnownPath = "/.well-known/openid-configuration";

    /// <summary>The path kube-apiserver serves its JWKS at.</summary>
    public const string ApiServerJwksPath = "/openid/v1/jwks";

    private OidcDiscoveryDocument(string issuer, string jwksUri, IReadOnlyList<string> algorithms)
    {
        Issuer = issuer;
        JwksUri = jwksUri;
        SigningAlgorithms = algorithms;
    }

    /// <summary>The issuer, the value the tokens' <c>iss</c> must equal.</summary>
    public string Issuer { get; }

    /// <summary>Where the signing keys are.</summary>
    public string JwksUri { get; }

    /// <summary><c>id_token_signing_alg_values_supported</c>.</summary>
    public IReadOnlyList<string> SigningAlgorithms { get; }

    /// <summary>Parses the document; <paramref name="source"/> names where it came from, for messages.</summary>
    /// <exception cref="TokenValidationSetupException">Not JSON, or no <c>issuer</c>/<c>jwks_uri</c>.</exception>
    public static OidcDiscoveryDocument Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TokenValidationSetupException($"The OIDC discovery document from {source} is not a JSON object.");
            }
            var issuer = ReadString(root, "issuer");
            var jwksUri = ReadString(root, "jwks_uri");
            if (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(jwksUri))
            {
                throw new TokenValidationSetupException(
                    $"The OIDC discovery document from {source} has no {(string.IsNullOrEmpty(issuer) ? "'issuer'" : "'jwks_uri'")}.");
            }
            var algorithms = root.TryGetProperty("id_token_signing_alg_values_supported", out var algs) && algs.ValueKind == JsonValueKind.Array
                ? algs.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToArray()
                : Array.Empty<string>();
            return new OidcDiscoveryDocument(issuer!, jwksUri!, algorithms);
        }
        catch (JsonException ex)
        {
            throw new TokenValidationSetupException($"The OIDC discovery document from {source} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The discovery URL of an issuer: <c>{issuer}/.well-known/openid-configuration</c> (OpenID Connect
    /// Discovery 1.0 section 4).</summary>
    public static Uri DiscoveryUrlFor(Uri issuer)
    {
        var text = issuer.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(text + WellKnownPath);
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
