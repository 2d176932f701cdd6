using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeSandbox.Security;

/// <summary>
/// JWS compact serialisation, written on the BCL alone: the sandbox is a second, independent implementation of
/// what the module's engine does with the IdentityModel stack, so the two agreeing means something. Behaviour
/// follows go-jose as kube-apiserver uses it (pkg/serviceaccount/jwt.go): only the asymmetric algorithms of the
/// keys it can hold are accepted (RS256, ES256, ES384, ES512: <c>jwt.ParseSigned(token, allowedAlgorithms)</c>
/// refuses <c>none</c> and HS256 at parse time), and a bad signature is go-jose's "error in cryptographic primitive".
/// </summary>
public static class CompactJws
{
    /// <summary>go-jose's ErrCryptoFailure text, which the real server passes through (record trv-forged-jwt).</summary>
    public const string CryptoFailure = "square/go-jose: error in cryptographic primitive";

    public static string Sign(ServiceAccountSigningKey key, JsonObject claims)
    {
        var header = new JsonObject { ["alg"] = key.Algorithm, ["kid"] = key.KeyId };
        var signingInput = Segment(header) + "." + Segment(claims);
        var signature = key.Sign(Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.Encode(signature);
    }

    private static string Segment(JsonObject json) =>
        Base64Url.Encode(Encoding.UTF8.GetBytes(json.ToJsonString()));

    /// <summary>A token split into its parts, signature not yet checked.</summary>
    public sealed record Parsed(JsonObject Header, JsonObject Claims, byte[] SigningInput, byte[] Signature)
    {
        public string? Algorithm => Header["alg"]?.GetValueKind() == JsonValueKind.String ? (string?)Header["alg"] : null;

        /// <summary>True when one of <paramref name="keys"/> of the token's algorithm verifies the signature
        /// (go-jose tries each key).</summary>
        public bool VerifiedBy(IEnumerable<ServiceAccountSigningKey> keys) =>
            keys.Any(k => k.Algorithm == Algorithm && k.Verify(SigningInput, Signature));
    }

    /// <summary>The algorithms a token may be signed with.</summary>
    public static readonly IReadOnlyList<string> AcceptedAlgorithms = ServiceAccountSigningKey.Algorithms;

    /// <summary>Parses a compact JWS signed with an accepted algorithm; null for anything else (not three parts,
    /// bad base64url, bad JSON, another algorithm), which the real server treats as "not a service account token".</summary>
    public static Parsed? TryParse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }
        var header = TryDecodeObject(parts[0]);
        var claims = TryDecodeObject(parts[1]);
        var signature = Base64Url.TryDecode(parts[2]);
        if (header is null || claims is null || signature is null)
        {
            return null;
        }
        var parsed = new Parsed(header, claims, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature);
        return parsed.Algorithm is { } alg && AcceptedAlgorithms.Contains(alg) ? parsed : null;
    }

    /// <summary>The claims of a JWT without checking anything (jwt.go hasCorrectIssuer reads iss this way).</summary>
    public static JsonObject? UnverifiedClaims(string token)
    {
        var parts = token.Split('.');
        return parts.Length == 3 ? TryDecodeObject(parts[1]) : null;
    }

    private static JsonObject? TryDecodeObject(string segment)
    {
        var bytes = Base64Url.TryDecode(segment);
        if (bytes is null)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(bytes) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
