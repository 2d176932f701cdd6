using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace KubeSandbox.Security;

/// <summary>
/// The sandbox's service-account signing key (kube-apiserver's <c>--service-account-signing-key-file</c>): an RSA
/// key whose public half is published at <c>/openid/v1/jwks</c> and whose key id is derived as the real server
/// derives it (pkg/serviceaccount/jwt.go keyIDFromPublicKey: base64url, unpadded, of the SHA-256 of the DER
/// SubjectPublicKeyInfo).
/// </summary>
public sealed class ServiceAccountSigningKey : IDisposable
{
    private ServiceAccountSigningKey(RSA rsa)
    {
        Rsa = rsa;
        KeyId = Base64Url.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()));
        var p = rsa.ExportParameters(false);
        _jwk = new JsonObject
        {
            ["use"] = "sig",
            ["kty"] = "RSA",
            ["kid"] = KeyId,
            ["alg"] = "RS256",
            ["n"] = Base64Url.Encode(p.Modulus!),
            ["e"] = Base64Url.Encode(p.Exponent!),
        };
    }

    private readonly JsonObject _jwk;

    /// <summary>A fresh 2048-bit key (the size kubeadm generates for sa.key).</summary>
    public static ServiceAccountSigningKey Generate() => new(RSA.Create(2048));

    /// <summary>A key from PEM (PKCS#1 or PKCS#8), for a sandbox that must keep its key across restarts.</summary>
    public static ServiceAccountSigningKey FromPem(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new ServiceAccountSigningKey(rsa);
    }

    internal RSA Rsa { get; }

    public string KeyId { get; }

    // RSA instance members are not documented as thread-safe; Kestrel verifies tokens on many threads.
    private readonly object _gate = new();

    /// <summary>RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over <paramref name="signingInput"/>.</summary>
    public byte[] Sign(byte[] signingInput)
    {
        lock (_gate)
        {
            return Rsa.SignData(signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
    }

    public bool Verify(byte[] signingInput, byte[] signature)
    {
        lock (_gate)
        {
            return Rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
    }

    /// <summary>The public key as a JWK, members in the order the real server writes them
    /// (pkg/serviceaccount/openidmetadata.go publicJWKSFromKeys: use, kty, kid, alg, n, e).</summary>
    public JsonObject ToJwk() => (JsonObject)_jwk.DeepClone();

    public void Dispose() => Rsa.Dispose();
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
