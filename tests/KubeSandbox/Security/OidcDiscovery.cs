using System.Text.Json.Nodes;

namespace KubeSandbox.Security;

/// <summary>
/// Service-account issuer discovery (pkg/serviceaccount/openidmetadata.go and
/// pkg/routes/openidmetadata.go): <c>/.well-known/openid-configuration</c> (application/json) and
/// <c>/openid/v1/jwks</c> (application/jwk-set+json only: go-restful answers 406 to an Accept that excludes it,
/// such as a bare <c>application/json</c>). Both are non-resource GETs that RBAC authorizes as usual
/// (bootstrap: system:service-account-issuer-discovery, bound to system:serviceaccounts).
/// </summary>
public sealed class OidcDiscovery
{
    public const string ConfigurationPath = "/.well-known/openid-configuration";
    public const string JwksPath = "/openid/v1/jwks";
    public const string JwksContentType = "application/jwk-set+json";

    private readonly SecurityOptions _options;
    private readonly IReadOnlyList<ServiceAccountSigningKey> _keys;

    public OidcDiscovery(SecurityOptions options, IReadOnlyList<ServiceAccountSigningKey> keys)
    {
        _options = options;
        _keys = keys;
    }

    /// <summary>A response the HTTP layer writes as is.</summary>
    public sealed record Response(int Status, string ContentType, JsonObject Body);

    /// <summary>The answer for <paramref name="path"/> (one of the two paths) given the request's Accept header.</summary>
    public Response Serve(string path, string? accept)
    {
        var produces = path == JwksPath ? JwksContentType : "application/json";
        if (!Acceptable(accept, produces))
        {
            return new Response(406, "application/json", new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = "406: Not Acceptable",
                ["reason"] = "NotAcceptable",
                ["details"] = new JsonObject(),
                ["code"] = 406,
            });
        }
        return new Response(200, produces, path == JwksPath ? Jwks() : Configuration());
    }

    public JsonObject Configuration() => new()
    {
        ["issuer"] = _options.Issuer,
        ["jwks_uri"] = (_options.ExternalAddress ?? "https://127.0.0.1").TrimEnd('/') + JwksPath,
        ["response_types_supported"] = new JsonArray("id_token"),
        ["subject_types_supported"] = new JsonArray("public"),
        // openidmetadata.go getAlgs: the algorithms of the public keys, sorted (a set's List()).
        ["id_token_signing_alg_values_supported"] = new JsonArray(_keys.Select(k => k.Algorithm).Distinct()
            .OrderBy(a => a, StringComparer.Ordinal).Select(a => (JsonNode)a).ToArray()),
    };

    public JsonObject Jwks() => new() { ["keys"] = new JsonArray(_keys.Select(k => (JsonNode)k.ToJwk()).ToArray()) };

    /// <summary>go-restful's media-type negotiation: no Accept (or an empty one) takes anything; otherwise one of
    /// the listed ranges must match (<c>*/*</c>, <c>type/*</c> or the exact type).</summary>
    public static bool Acceptable(string? accept, string produces)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return true;
        }
        var type = produces.Split('/')[0];
        foreach (var part in accept.Split(','))
        {
            var range = part.Split(';')[0].Trim();
            if (range == "*/*" || range == "*" || range.Equals(produces, StringComparison.OrdinalIgnoreCase)
                || range.Equals(type + "/*", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
