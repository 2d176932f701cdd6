using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaTools.TestSupport;

/// <summary>Signs test tokens by hand, so that tests can also build the broken ones (alg none, HS256 with the
/// public key as secret, tampered payloads) no library would produce. One file, linked into the engine and the
/// module test projects.</summary>
internal sealed class TestSigner : IDisposable
{
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";

    private readonly RSA? rsa;
    private readonly ECDsa? ec;

    private TestSigner(RSA? rsa, ECDsa? ec, string kid)
    {
        this.rsa = rsa;
        this.ec = ec;
        KeyId = kid;
    }

    public string KeyId { get; }

    public static TestSigner Rsa(string kid = "rsa-key-1") => new(RSA.Create(2048), null, kid);
    public static TestSigner Ec(string kid = "ec-key-1") => Ec("ES256", kid);

    /// <summary>An EC signer on the curve kube-apiserver pairs with <paramref name="algorithm"/> (ES256 P-256,
    /// ES384 P-384, ES512 P-521: pkg/serviceaccount/jwt.go signerFromECDSAPrivateKey).</summary>
    public static TestSigner Ec(string algorithm, string kid) => new(null, ECDsa.Create(algorithm switch
    {
        "ES384" => ECCurve.NamedCurves.nistP384,
        "ES512" => ECCurve.NamedCurves.nistP521,
        _ => ECCurve.NamedCurves.nistP256,
    }), kid);

    public string Algorithm => rsa is not null ? "RS256" : "ES" + (ec!.KeySize == 521 ? 512 : ec.KeySize);

    private string Curve => "P-" + ec!.KeySize;

    private HashAlgorithmName Hash => Algorithm switch
    {
        "ES384" => HashAlgorithmName.SHA384,
        "ES512" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    /// <summary>The public key as a JWK, as /openid/v1/jwks serves it.</summary>
    public JsonObject Jwk()
    {
        if (rsa is not null)
        {
            var p = rsa.ExportParameters(false);
            return new JsonObject { ["use"] = "sig", ["kty"] = "RSA", ["kid"] = KeyId, ["alg"] = "RS256", ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) };
        }
        var q = ec!.ExportParameters(false);
        return new JsonObject { ["use"] = "sig", ["kty"] = "EC", ["kid"] = KeyId, ["alg"] = Algorithm, ["crv"] = Curve, ["x"] = B64(q.Q.X!), ["y"] = B64(q.Q.Y!) };
    }

    public static string Jwks(params TestSigner[] signers) =>
        new JsonObject { ["keys"] = new JsonArray(signers.Select(s => (JsonNode)s.Jwk()).ToArray()) }.ToJsonString();

    public string Sign(JsonObject claims, string? alg = null, string? kid = null)
    {
        var header = new JsonObject { ["alg"] = alg ?? Algorithm, ["kid"] = kid ?? KeyId };
        var signingInput = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = rsa is not null
            ? rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : ec!.SignData(data, Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + B64(signature);
    }

    /// <summary>An HS256 token keyed with this signer's public JWK text: the classic algorithm-confusion attack.</summary>
    public string SignHs256WithPublicKey(JsonObject claims)
    {
        var header = new JsonObject { ["alg"] = "HS256", ["kid"] = KeyId };
        var signingInput = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Jwk().ToJsonString()));
        return signingInput + "." + B64(hmac.ComputeHash(Encoding.ASCII.GetBytes(signingInput)));
    }

    public static string Unsigned(JsonObject claims) =>
        B64(Encoding.UTF8.GetBytes("{\"alg\":\"none\",\"typ\":\"JWT\"}")) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString())) + ".";

    /// <summary>Replaces the payload, keeping header and signature: a tampered token.</summary>
    public static string WithPayload(string token, JsonObject claims)
    {
        var parts = token.Split('.');
        return parts[0] + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2];
    }

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    public static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        rsa?.Dispose();
        ec?.Dispose();
    }
}

/// <summary>Claims as kube-apiserver issues them (recorded token-claims records in ../shared/k8s/recorded).</summary>
internal static class TestClaims
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 4, 0, 0, TimeSpan.Zero);

    public static JsonObject ServiceAccount(string ns = "alpha", string name = "runner", string[]? aud = null,
        DateTimeOffset? iat = null, TimeSpan? lifetime = null, string? jti = null, JsonObject? pod = null, JsonObject? secret = null,
        JsonObject? node = null, string issuer = TestSigner.Issuer)
    {
        var issued = (iat ?? Now).ToUnixTimeSeconds();
        var k8s = new JsonObject
        {
            ["namespace"] = ns,
            ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = "11111111-2222-3333-4444-555555555555" },
        };
        if (pod is not null) k8s["pod"] = pod;
        if (secret is not null) k8s["secret"] = secret;
        if (node is not null) k8s["node"] = node;
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray((aud ?? new[] { TestSigner.Issuer }).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            ["exp"] = issued + (long)(lifetime ?? TimeSpan.FromHours(1)).TotalSeconds,
            ["iat"] = issued,
            ["iss"] = issuer,
            ["kubernetes.io"] = k8s,
            ["nbf"] = issued,
            ["sub"] = $"system:serviceaccount:{ns}:{name}",
        };
        if (jti is not null) claims["jti"] = jti;
        return claims;
    }

    /// <summary>Claims issued now by the wall clock (not <see cref="Now"/>), for tests of the built module, which
    /// checks expiry against the real clock.</summary>
    public static JsonObject Live(string ns = "alpha", string name = "runner", string[]? aud = null, DateTimeOffset? iat = null,
        TimeSpan? lifetime = null, JsonObject? pod = null) =>
        ServiceAccount(ns, name, aud, iat ?? DateTimeOffset.UtcNow, lifetime, pod: pod);

    /// <summary>A legacy Secret-based token's claims (pkg/serviceaccount/legacy.go).</summary>
    public static JsonObject Legacy(string ns = "alpha", string name = "runner", string secret = "runner-legacy") => new()
    {
        ["iss"] = "kubernetes/serviceaccount",
        ["kubernetes.io/serviceaccount/namespace"] = ns,
        ["kubernetes.io/serviceaccount/secret.name"] = secret,
        ["kubernetes.io/serviceaccount/service-account.name"] = name,
        ["kubernetes.io/serviceaccount/service-account.uid"] = "11111111-2222-3333-4444-555555555555",
        ["sub"] = $"system:serviceaccount:{ns}:{name}",
    };
}

internal sealed class FixedClock : TimeProvider
{
    public FixedClock(DateTimeOffset now) => Now = now;
    public DateTimeOffset Now { get; set; }
    public override DateTimeOffset GetUtcNow() => Now;
}
