using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace KubeSandbox.Security;

/// <summary>
/// The sandbox's service-account signing key (kube-apiserver's <c>--service-account-signing-key-file</c>): an RSA
/// key (RS256) or an ECDSA key (ES256 on P-256, ES384 on P-384, ES512 on P-521, as pkg/serviceaccount/jwt.go
/// signerFromECDSAPrivateKey picks the algorithm from the curve), whose public half is published at
/// <c>/openid/v1/jwks</c> and whose key id is derived as the real server derives it (jwt.go keyIDFromPublicKey:
/// base64url, unpadded, of the SHA-256 of the DER SubjectPublicKeyInfo).
/// </summary>
public sealed class ServiceAccountSigningKey : IDisposable
{
    /// <summary>The algorithms a key can be made for.</summary>
    public static readonly IReadOnlyList<string> Algorithms = new[] { "RS256", "ES256", "ES384", "ES512" };

    private ServiceAccountSigningKey(RSA rsa)
    {
        _rsa = rsa;
        Algorithm = "RS256";
        KeyId = Base64Url.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()));
        var p = rsa.ExportParameters(false);
        _jwk = new JsonObject
        {
            ["use"] = "sig",
            ["kty"] = "RSA",
            ["kid"] = KeyId,
            ["alg"] = Algorithm,
            ["n"] = Base64Url.Encode(p.Modulus!),
            ["e"] = Base64Url.Encode(p.Exponent!),
        };
    }

    private ServiceAccountSigningKey(ECDsa ec)
    {
        _ec = ec;
        var p = ec.ExportParameters(false);
        (Algorithm, var crv, _hash) = p.Curve.Oid.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" => ("ES256", "P-256", HashAlgorithmName.SHA256),
            "nistP384" or "ECDSA_P384" => ("ES384", "P-384", HashAlgorithmName.SHA384),
            "nistP521" or "ECDSA_P521" => ("ES512", "P-521", HashAlgorithmName.SHA512),
            var other => throw new ArgumentException($"unsupported ECDSA curve {other}: use P-256, P-384 or P-521"),
        };
        KeyId = Base64Url.Encode(SHA256.HashData(ec.ExportSubjectPublicKeyInfo()));
        // go-jose's rawJSONWebKey member order: use, kty, kid, crv, alg, x, y.
        _jwk = new JsonObject
        {
            ["use"] = "sig",
            ["kty"] = "EC",
            ["kid"] = KeyId,
            ["crv"] = crv,
            ["alg"] = Algorithm,
            ["x"] = Base64Url.Encode(p.Q.X!),
            ["y"] = Base64Url.Encode(p.Q.Y!),
        };
    }

    private readonly JsonObject _jwk;
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;
    private readonly HashAlgorithmName _hash = HashAlgorithmName.SHA256;

    /// <summary>A fresh 2048-bit RSA key (the size kubeadm generates for sa.key).</summary>
    public static ServiceAccountSigningKey Generate() => new(RSA.Create(2048));

    /// <summary>A fresh key for <paramref name="algorithm"/> (RS256, ES256, ES384 or ES512).</summary>
    public static ServiceAccountSigningKey Generate(string algorithm) => algorithm.ToUpperInvariant() switch
    {
        "RS256" => Generate(),
        "ES256" => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)),
        "ES384" => new(ECDsa.Create(ECCurve.NamedCurves.nistP384)),
        "ES512" => new(ECDsa.Create(ECCurve.NamedCurves.nistP521)),
        _ => throw new ArgumentException($"unknown signing algorithm '{algorithm}': use one of {string.Join(", ", Algorithms)}"),
    };

    /// <summary>A key from PEM (RSA PKCS#1, EC SEC1 or PKCS#8), for a sandbox that must keep its key across restarts.</summary>
    public static ServiceAccountSigningKey FromPem(string pem)
    {
        if (pem.Contains("EC PRIVATE KEY", StringComparison.Ordinal))
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ServiceAccountSigningKey(ec);
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new ServiceAccountSigningKey(rsa);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ServiceAccountSigningKey(ec);
        }
    }

    /// <summary>The JWS <c>alg</c> this key signs with: RS256, ES256, ES384 or ES512.</summary>
    public string Algorithm { get; }

    public string KeyId { get; }

    // Key instance members are not documented as thread-safe; Kestrel verifies tokens on many threads.
    private readonly object _gate = new();

    /// <summary>The JWS signature over <paramref name="signingInput"/>: RSASSA-PKCS1-v1_5 with SHA-256, or ECDSA
    /// with the curve's hash in the fixed-width R||S form JWS uses (RFC 7518 section 3.4, .NET's IEEE P1363).</summary>
    public byte[] Sign(byte[] signingInput)
    {
        lock (_gate)
        {
            return _rsa is not null
                ? _rsa.SignData(signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : _ec!.SignData(signingInput, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    public bool Verify(byte[] signingInput, byte[] signature)
    {
        lock (_gate)
        {
            return _rsa is not null
                ? _rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : _ec!.VerifyData(signingInput, signature, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    /// <summary>The public key as a JWK, members in the order the real server writes them
    /// (pkg/serviceaccount/openidmetadata.go publicJWKSFromKeys through go-jose: use, kty, kid, [crv,] alg, n/e or x/y).</summary>
    public JsonObject ToJwk() => (JsonObject)_jwk.DeepClone();

    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
    }
}

/// <summary>Unpadded base64url (RFC 7515 section 2), as JWS compact serialisation uses it.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Decodes, or returns null when <paramref name="text"/> is not base64url.</summary>
    public static byte[]? TryDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        switch (s.Length % 4)
        {
            case 2: s += "=="; break;
            case 3: s += "="; break;
            case 1: return null;
        }
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
