using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SaTools.Engine.Tokens;

/// <summary>
/// Decodes a JWT without trusting it, so that a token found in a log or a pod can be described before (or
/// without) validating it. Structural problems are <see cref="MalformedTokenException"/>s naming what is wrong;
/// no message ever contains the token or a fragment of it.
/// </summary>
public static class TokenInspector
{
    /// <summary>Decodes <paramref name="token"/> (surrounding white space and a <c>Bearer </c> prefix are ignored).</summary>
    /// <exception cref="MalformedTokenException">Not a compact JWS with a JSON header and payload.</exception>
    public static InspectedToken Inspect(string? token)
    {
        var jwt = JwtReader.Read(token);
        using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedHeader));
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        return Describe(jwt, header.RootElement, payload.RootElement);
    }

    /// <summary>Removes what commonly surrounds a token copied from a file or a header: white space, a trailing
    /// newline, a <c>Bearer </c> prefix.</summary>
    public static string Normalize(string? token)
    {
        var trimmed = (token ?? string.Empty).Trim();
        if (trimmed.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed.Substring("Bearer ".Length).Trim();
        }
        return trimmed;
    }

    /// <summary>The registered claims come from the library's reading (<paramref name="jwt"/>); the Kubernetes
    /// claims and the JSON shown to the user from the decoded parts.</summary>
    private static InspectedToken Describe(JsonWebToken jwt, JsonElement header, JsonElement claims)
    {
        var issuer = NullIfEmpty(jwt.Issuer);
        var expiresAt = GetTime(jwt, "exp");

        // Current tokens: one private claim "kubernetes.io" (pkg/serviceaccount/claims.go, privateClaims).
        string? ns = null, saName = null, saUid = null;
        TokenBoundObject? pod = null, secret = null, node = null;
        DateTimeOffset? warnAfter = null;
        if (claims.TryGetProperty("kubernetes.io", out var k8s) && k8s.ValueKind == JsonValueKind.Object)
        {
            ns = GetString(k8s, "namespace");
            if (k8s.TryGetProperty("serviceaccount", out var sa) && sa.ValueKind == JsonValueKind.Object)
            {
                saName = GetString(sa, "name");
                saUid = GetString(sa, "uid");
            }
            pod = GetReference(k8s, "pod", "Pod");
            secret = GetReference(k8s, "secret", "Secret");
            node = GetReference(k8s, "node", "Node");
            warnAfter = GetTime(k8s, "warnafter");
        }

        // Legacy Secret-based tokens: flat claims, issuer kubernetes/serviceaccount, no exp
        // (pkg/serviceaccount/legacy.go, legacyPrivateClaims).
        string? legacySecret = null;
        var isLegacy = string.Equals(issuer, InspectedToken.LegacyIssuer, StringComparison.Ordinal) && expiresAt is null;
        if (string.Equals(issuer, InspectedToken.LegacyIssuer, StringComparison.Ordinal))
        {
            ns ??= GetString(claims, "kubernetes.io/serviceaccount/namespace");
            saName ??= GetString(claims, "kubernetes.io/serviceaccount/service-account.name");
            saUid ??= GetString(claims, "kubernetes.io/serviceaccount/service-account.uid");
            legacySecret = GetString(claims, "kubernetes.io/serviceaccount/secret.name");
        }

        var claimMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in claims.EnumerateObject())
        {
            claimMap[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString() ?? string.Empty
                : property.Value.GetRawText();
        }

        return new InspectedToken
        {
            Algorithm = NullIfEmpty(jwt.Alg),
            KeyId = NullIfEmpty(jwt.Kid),
            HeaderType = NullIfEmpty(jwt.Typ),
            Issuer = issuer,
            Subject = NullIfEmpty(jwt.Subject),
            Audiences = jwt.Audiences.ToArray(),
            IssuedAt = GetTime(jwt, "iat"),
            ExpiresAt = expiresAt,
            NotBefore = GetTime(jwt, "nbf"),
            TokenId = NullIfEmpty(jwt.Id),
            Namespace = ns,
            ServiceAccountName = saName,
            ServiceAccountUid = saUid,
            BoundObject = pod ?? secret ?? node,
            Node = node,
            WarnAfter = warnAfter,
            IsLegacy = isLegacy,
            LegacySecretName = legacySecret,
            HeaderJson = Compact(header),
            ClaimsJson = Compact(claims),
            Claims = claimMap,
        };
    }

    private static string Compact(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            element.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string? GetString(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw MalformedTokenDiagnosis.NotAString(name, value);
        }
        return value.GetString();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A registered NumericDate claim as the library read it (whole seconds since the epoch).</summary>
    private static DateTimeOffset? GetTime(JsonWebToken jwt, string name)
    {
        if (!jwt.TryGetPayloadValue<long>(name, out var seconds))
        {
            return null;
        }
        if (seconds < -62135596800L || seconds > 253402300799L)
        {
            throw MalformedTokenDiagnosis.NotNumericDate(name);
        }
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    /// <summary>A NumericDate inside the <c>kubernetes.io</c> claim (<c>warnafter</c>): seconds since the epoch,
    /// possibly fractional (RFC 7519 section 2).</summary>
    private static DateTimeOffset? GetTime(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds)
            || double.IsNaN(seconds) || seconds < -62135596800d || seconds > 253402300799d)
        {
            throw MalformedTokenDiagnosis.NotNumericDate(name);
        }
        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000d, MidpointRounding.AwayFromZero));
    }

    private static TokenBoundObject? GetReference(JsonElement k8s, string name, string kind)
    {
        if (!k8s.TryGetProperty(name, out var reference) || reference.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var objectName = GetString(reference, "name");
        return objectName is null ? null : new TokenBoundObject(kind, objectName, GetString(reference, "uid"));
    }
}
