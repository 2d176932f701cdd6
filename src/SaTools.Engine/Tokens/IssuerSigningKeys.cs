using Microsoft.IdentityModel.Tokens;

namespace SaTools.Engine.Tokens;

/// <summary>
/// The public keys an issuer signs tokens with (a JWKS), and the issuer name when it is known (from discovery,
/// or given by the caller alongside a JWKS file). Only asymmetric keys (RSA, EC) are kept: a symmetric key in
/// a JWKS would let anyone who read the JWKS mint tokens.
/// </summary>
public sealed class IssuerSigningKeys
{
    private IssuerSigningKeys(string? issuer, IReadOnlyList<SecurityKey> keys, string source, int ignored)
    {
        Issuer = issuer;
        Keys = keys;
        Source = source;
        IgnoredKeyCount = ignored;
    }

    /// <summary>The issuer the tokens must name, or null when unknown (a JWKS file with no issuer given).</summary>
    public string? Issuer { get; }

    /// <summary>Where the keys came from (a URL or a file path), for messages and output.</summary>
    public string Source { get; }

    /// <summary>Keys in the JWKS that were not used: symmetric, unknown type, or unparseable.</summary>
    public int IgnoredKeyCount { get; }

    /// <summary>Key ids of the usable keys.</summary>
    public IReadOnlyList<string> KeyIds => Keys.Select(k => k.KeyId ?? string.Empty).ToArray();

    internal IReadOnlyList<SecurityKey> Keys { get; }

    /// <summary>
    /// The keys that can carry a token signed with <paramref name="algorithm"/>: RSA keys for RS256, and for
    /// ES256/ES384/ES512 only EC keys on the curve kube-apiserver pairs with it (P-256, P-384, P-521:
    /// pkg/serviceaccount/jwt.go <c>signerFromECDSAPrivateKey</c>; go-jose refuses a key of another size for the
    /// algorithm). A key whose <c>alg</c> is set must name the algorithm (RFC 7517 section 4.4).
    /// </summary>
    internal IReadOnlyList<SecurityKey> KeysFor(string algorithm)
    {
        var (keyType, curve) = algorithm switch
        {
            SecurityAlgorithms.RsaSha256 => (JsonWebAlgorithmsKeyTypes.RSA, (string?)null),
            SecurityAlgorithms.EcdsaSha256 => (JsonWebAlgorithmsKeyTypes.EllipticCurve, JsonWebKeyECTypes.P256),
            SecurityAlgorithms.EcdsaSha384 => (JsonWebAlgorithmsKeyTypes.EllipticCurve, JsonWebKeyECTypes.P384),
            SecurityAlgorithms.EcdsaSha512 => (JsonWebAlgorithmsKeyTypes.EllipticCurve, JsonWebKeyECTypes.P521),
            _ => (null, null),
        };
        return Keys.OfType<JsonWebKey>()
            .Where(key => keyType is not null && key.Kty == keyType
                && (curve is null || key.Crv == curve)
                && (string.IsNullOrEmpty(key.Alg) || key.Alg == algorithm))
            .ToArray();
    }

    /// <summary>Reads a JWKS document (<c>{"keys": [...]}</c>).</summary>
    /// <exception cref="TokenValidationSetupException">Not a JWKS, or no usable RSA/EC key in it.</exception>
    public static IssuerSigningKeys FromJwks(string jwksJson, string? issuer, string source)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(jwksJson) { SkipUnresolvedJsonWebKeys = true };
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException)
        {
            throw new TokenValidationSetupException($"The JWKS from {source} is not a JSON Web Key Set.", ex);
        }

        var usable = new List<SecurityKey>();
        var ignored = 0;
        foreach (var key in set.Keys)
        {
            // "oct" keys are symmetric: refused outright. "use" other than "sig" is for encryption.
            var asymmetric = key.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve;
            var forSigning = string.IsNullOrEmpty(key.Use) || key.Use == JsonWebKeyUseNames.Sig;
            if (asymmetric && forSigning)
            {
                usable.Add(key);
            }
            else
            {
                ignored++;
            }
        }
        if (usable.Count == 0)
        {
            throw new TokenValidationSetupException(
                $"The JWKS from {source} has no RSA or EC signing key ({set.Keys.Count} key(s) in it, none usable).");
        }
        return new IssuerSigningKeys(string.IsNullOrEmpty(issuer) ? null : issuer, usable, source, ignored);
    }
}
