using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SaTools.Module.Tests.Tokens;

/// <summary>Signs ServiceAccount-shaped JWTs for module tests that need no cluster (JWKS files, loopback server).</summary>
public sealed class ModuleTestSigner : IDisposable
{
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";
    private readonly RSA rsa = RSA.Create(2048);

    public ModuleTestSigner(string kid = "test-key") => KeyId = kid;

    public string KeyId { get; }

    public string Jwks()
    {
        var p = rsa.ExportParameters(false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject { ["use"] = "sig", ["kty"] = "RSA", ["kid"] = KeyId, ["alg"] = "RS256", ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) }),
        }.ToJsonString();
    }

    public static JsonObject Claims(string ns = "alpha", string name = "runner", string[]? aud = null, DateTimeOffset? iat = null,
        TimeSpan? lifetime = null, JsonObject? pod = null)
    {
        var issued = (iat ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var k8s = new JsonObject { ["namespace"] = ns, ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = "5a1d2c3e-0000-4000-8000-000000000001" } };
        if (pod is not null) k8s["pod"] = pod;
        return new JsonObject
        {
            ["aud"] = new JsonArray((aud ?? new[] { Issuer }).Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
            ["exp"] = issued + (long)(lifetime ?? TimeSpan.FromHours(1)).TotalSeconds,
            ["iat"] = issued,
            ["iss"] = Issuer,
            ["kubernetes.io"] = k8s,
            ["nbf"] = issued,
            ["sub"] = $"system:serviceaccount:{ns}:{name}",
        };
    }

    public static JsonObject LegacyClaims(string ns = "alpha", string name = "runner", string secret = "runner-legacy") => new()
    {
        ["iss"] = "kubernetes/serviceaccount",
        ["kubernetes.io/serviceaccount/namespace"] = ns,
        ["kubernetes.io/serviceaccount/secret.name"] = secret,
        ["kubernetes.io/serviceaccount/service-account.name"] = name,
        ["kubernetes.io/serviceaccount/service-account.uid"] = "5a1d2c3e-0000-4000-8000-000000000001",
        ["sub"] = $"system:serviceaccount:{ns}:{name}",
    };

    public string Sign(JsonObject claims, string alg = "RS256")
    {
        var input = B64(Encoding.UTF8.GetBytes(new JsonObject { ["alg"] = alg, ["kid"] = KeyId }.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return input + "." + B64(rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public static string Unsigned(JsonObject claims) =>
        B64(Encoding.UTF8.GetBytes("{\"alg\":\"none\"}")) + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString())) + ".";

    /// <summary>Same header and signature, another payload.</summary>
    public static string Tamper(string token, JsonObject claims)
    {
        var parts = token.Split('.');
        return parts[0] + "." + B64(Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2];
    }

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => rsa.Dispose();
}
