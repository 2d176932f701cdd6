using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace SaTools.Engine.Tokens;

/// <summary>
/// Says why <see cref="JwtReader"/> refused a token, in words an operator can act on: which part, and what is
/// wrong with it. The library's own messages name an IDX code and hide the rest; these name the part and the
/// position, and never quote the token or any fragment of it (it may be a real credential pasted from a log).
/// Nothing here reads a valid token: this only explains a refusal.
/// </summary>
internal static class MalformedTokenDiagnosis
{
    private static readonly string[] PartNames = { "header", "payload", "signature" };

    /// <summary>Registered claims whose JSON type IdentityModel insists on (RFC 7519 section 4.1, RFC 7515
    /// section 4.1); a wrong type makes <c>ReadJsonWebToken</c> refuse the whole token.</summary>
    private static readonly string[] NumericDateClaims = { "exp", "nbf", "iat" };
    private static readonly string[] StringClaims = { "iss", "sub", "jti", "azp", "alg", "kid", "typ", "cty", "enc", "zip", "x5t", "x5u", "jku" };

    /// <summary>Why the token was refused. Always returns an exception to throw.</summary>
    public static MalformedTokenException Explain(string compact) =>
        ShapeProblem(compact)
        ?? ContentProblem(compact)
        ?? new MalformedTokenException(MalformedTokenProblem.BadClaim, "The token's header or payload cannot be read as JWT claims.");

    /// <summary>The problem with the compact form itself (parts, base64url alphabet, lengths), or null: the
    /// checks go-jose makes before decoding (RFC 7515 sections 2 and 7.1).</summary>
    public static MalformedTokenException? ShapeProblem(string compact)
    {
        var parts = compact.Split('.');
        if (parts.Length != 3)
        {
            var what = parts.Length == 5
                ? "it has 5 parts, the form of an encrypted token (JWE), not a signed JWT"
                : $"it has {parts.Length} part{(parts.Length == 1 ? "" : "s")}";
            return new MalformedTokenException(MalformedTokenProblem.NotThreeParts,
                $"The token is not a JWT: a JWT has three dot-separated parts (header.payload.signature), {what}.");
        }
        for (var index = 0; index < 3; index++)
        {
            if (PartProblem(parts[index], index) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private static MalformedTokenException? PartProblem(string part, int index)
    {
        if (part.Length == 0 && index < 2)
        {
            return new MalformedTokenException(MalformedTokenProblem.BadBase64Url, $"The token's {Name(index)} is empty.");
        }
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_')
            {
                continue;
            }
            var hint = c == '=' ? " (padding is not allowed in a JWT)"
                : c is '+' or '/' ? " (standard base64, not base64url)"
                : string.Empty;
            return new MalformedTokenException(MalformedTokenProblem.BadBase64Url,
                $"The token's {Name(index)} is not valid base64url: character {i + 1} is outside the base64url alphabet{hint}.");
        }
        if (part.Length % 4 == 1)
        {
            return new MalformedTokenException(MalformedTokenProblem.BadBase64Url,
                $"The token's {Name(index)} is not valid base64url: its length ({part.Length}) cannot be base64url.");
        }
        return null;
    }

    /// <summary>The problem with the decoded header or payload: not JSON, not an object, or a registered claim
    /// of the wrong type. Null when neither part shows one.</summary>
    private static MalformedTokenException? ContentProblem(string compact)
    {
        var parts = compact.Split('.');
        for (var index = 0; index < 2; index++)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[index]));
            }
            catch (JsonException ex)
            {
                // The JsonException message quotes the offending character: report only the position.
                var where = ex.BytePositionInLine is { } pos ? $" (invalid JSON at byte {pos + 1})" : string.Empty;
                return new MalformedTokenException(MalformedTokenProblem.NotJson,
                    $"The token's {Name(index)} is valid base64url but does not decode to JSON{where}.");
            }
            catch (FormatException)
            {
                return new MalformedTokenException(MalformedTokenProblem.BadBase64Url, $"The token's {Name(index)} is not valid base64url.");
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return new MalformedTokenException(MalformedTokenProblem.NotJson,
                        $"The token's {Name(index)} decodes to a JSON {Kind(root)}, not a JSON object.");
                }
                if (ClaimProblem(root) is { } problem)
                {
                    return problem;
                }
            }
        }
        return null;
    }

    private static MalformedTokenException? ClaimProblem(JsonElement claims)
    {
        foreach (var claim in claims.EnumerateObject())
        {
            var value = claim.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (NumericDateClaims.Contains(claim.Name) && value.ValueKind != JsonValueKind.Number)
            {
                return NotNumericDate(claim.Name);
            }
            if (claim.Name == "aud" && !(value.ValueKind == JsonValueKind.String
                || (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String))))
            {
                return new MalformedTokenException(MalformedTokenProblem.BadClaim,
                    "The token's claim 'aud' is neither a string nor an array of strings.");
            }
            if (StringClaims.Contains(claim.Name) && value.ValueKind != JsonValueKind.String)
            {
                return NotAString(claim.Name, value);
            }
        }
        return null;
    }

    /// <summary>A NumericDate is seconds since the epoch as a JSON number (RFC 7519 section 2).</summary>
    public static MalformedTokenException NotNumericDate(string claim) =>
        new(MalformedTokenProblem.BadClaim, $"The token's claim '{claim}' is not a NumericDate (seconds since 1970-01-01 as a JSON number).");

    public static MalformedTokenException NotAString(string claim, JsonElement value) =>
        new(MalformedTokenProblem.BadClaim, $"The token's claim '{claim}' is a JSON {Kind(value)}, not a string.");

    private static string Name(int index) => $"{PartNames[index]} (part {index + 1} of 3)";

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
