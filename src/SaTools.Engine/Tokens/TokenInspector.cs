using System.Text;
using System.Text.Json;

namespace SaTools.Engine.Tokens;

/// <summary>
/// Decodes a JWT without trusting it, so that a token found in a log or a pod can be described before (or
/// without) validating it. Structural problems are <see cref="MalformedTokenException"/>s naming what is wrong;
/// no message ever contains the token or a fragment of it.
/// </summary>
public static class TokenInspector
{
    private static readonly string[] PartNames = { "header", "payload", "signature" };

    /// <summary>Decodes <paramref name="token"/> (surrounding white space and a <c>Bearer </c> prefix are ignored).</summary>
    /// <exception cref="MalformedTokenException">Not a compact JWS with a JSON header and payload.</exception>
    public static InspectedToken Inspect(string? token)
    {
        var (header, payload) = Decode(token);
        using (header)
        using (payload)
        {
            return Describe(header.RootElement, payload.RootElement);
        }
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

    private static (JsonDocument Header, JsonDocument Payload) Decode(string? token)
    {
        var compact = Normalize(token);
        if (compact.Length == 0)
        {
            throw new MalformedTokenException(MalformedTokenProblem.Empty, "The token is empty.");
        }

        var parts = compact.Split('.');
        if (parts.Length != 3)
        {
            var what = parts.Length == 5
                ? "it has 5 parts, the form of an encrypted token (JWE), not a signed JWT"
                : $"it has {parts.Length} part{(parts.Length == 1 ? "" : "s")}";
            throw new MalformedTokenException(MalformedTokenProblem.NotThreeParts,
                $"The token is not a JWT: a JWT has three dot-separated parts (header.payload.signature), {what}.");
        }

        for (var i = 0; i < 3; i++)
        {
            if (parts[i].Length == 0 && i < 2)
            {
                throw new MalformedTokenException(MalformedTokenProblem.BadBase64Url, $"The token's {PartNames[i]} (part {i + 1} of 3) is empty.");
            }
        }

        var headerBytes = DecodeBase64Url(parts[0], 0);
        var payloadBytes = DecodeBase64Url(parts[1], 1);
        _ = DecodeBase64Url(parts[2], 2);

        var header = ParseObject(headerBytes, 0);
        try
        {
            return (header, ParseObject(payloadBytes, 1));
        }
        catch
        {
            header.Dispose();
            throw;
        }
    }

    /// <summary>Strict base64url without padding (RFC 7515 section 2), as go-jose reads it.</summary>
    internal static byte[] DecodeBase64Url(string part, int index)
    {
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            var ok = c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_';
            if (!ok)
            {
                var hint = c == '=' ? " (padding is not allowed in a JWT)"
                    : c is '+' or '/' ? " (standard base64, not base64url)"
                    : string.Empty;
                throw new MalformedTokenException(MalformedTokenProblem.BadBase64Url,
                    $"The token's {PartNames[index]} (part {index + 1} of 3) is not valid base64url: character {i + 1} is outside the base64url alphabet{hint}.");
            }
        }
        if (part.Length % 4 == 1)
        {
            throw new MalformedTokenException(MalformedTokenProblem.BadBase64Url,
                $"The token's {PartNames[index]} (part {index + 1} of 3) is not valid base64url: its length ({part.Length}) cannot be base64url.");
        }

        var padded = part.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - padded.Length % 4) % 4);
        return Convert.FromBase64String(padded);
    }

    private static JsonDocument ParseObject(byte[] bytes, int index)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            // The JsonException message quotes the offending character: report only the position.
            var where = ex.BytePositionInLine is { } pos ? $" (invalid JSON at byte {pos + 1})" : string.Empty;
            throw new MalformedTokenException(MalformedTokenProblem.NotJson,
                $"The token's {PartNames[index]} (part {index + 1} of 3) is valid base64url but does not decode to JSON{where}.");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind.ToString().ToLowerInvariant();
            document.Dispose();
            throw new MalformedTokenException(MalformedTokenProblem.NotJson,
                $"The token's {PartNames[index]} (part {index + 1} of 3) decodes to a JSON {kind}, not a JSON object.");
        }
        return document;
    }

    private static InspectedToken Describe(JsonElement header, JsonElement claims)
    {
        var issuer = GetString(claims, "iss");
        var expiresAt = GetTime(claims, "exp");

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
            Algorithm = GetString(header, "alg"),
            KeyId = GetString(header, "kid"),
            HeaderType = GetString(header, "typ"),
            Issuer = issuer,
            Subject = GetString(claims, "sub"),
            Audiences = GetAudiences(claims),
            IssuedAt = GetTime(claims, "iat"),
            ExpiresAt = expiresAt,
            NotBefore = GetTime(claims, "nbf"),
            TokenId = GetString(claims, "jti"),
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
            throw new MalformedTokenException(MalformedTokenProblem.BadClaim,
                $"The token's claim '{name}' is a JSON {value.ValueKind.ToString().ToLowerInvariant()}, not a string.");
        }
        return value.GetString();
    }

    /// <summary><c>aud</c> is a string or an array of strings (RFC 7519 section 4.1.3).</summary>
    private static IReadOnlyList<string> GetAudiences(JsonElement claims)
    {
        if (!claims.TryGetProperty("aud", out var aud) || aud.ValueKind == JsonValueKind.Null)
        {
            return Array.Empty<string>();
        }
        if (aud.ValueKind == JsonValueKind.String)
        {
            return new[] { aud.GetString()! };
        }
        if (aud.ValueKind == JsonValueKind.Array && aud.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String))
        {
            return aud.EnumerateArray().Select(a => a.GetString()!).ToArray();
        }
        throw new MalformedTokenException(MalformedTokenProblem.BadClaim,
            "The token's claim 'aud' is neither a string nor an array of strings.");
    }

    /// <summary>A NumericDate: seconds since the epoch, possibly fractional (RFC 7519 section 2).</summary>
    private static DateTimeOffset? GetTime(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds)
            || double.IsNaN(seconds) || seconds < -62135596800d || seconds > 253402300799d)
        {
            throw new MalformedTokenException(MalformedTokenProblem.BadClaim,
                $"The token's claim '{name}' is not a NumericDate (seconds since 1970-01-01 as a JSON number).");
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
