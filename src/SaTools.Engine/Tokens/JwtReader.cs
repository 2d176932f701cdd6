using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SaTools.Engine.Tokens;

/// <summary>
/// The engine's one JWT reader: IdentityModel's <see cref="JsonWebTokenHandler.ReadJsonWebToken(string)"/> parses the
/// compact form and the registered claims, without verifying anything. <see cref="TokenInspector"/> (what a
/// token says of itself) and <see cref="Connection.TokenIdentity"/> (the user a connection's token names) both
/// read through here. When the library refuses a token, <see cref="MalformedTokenDiagnosis"/> says why in words
/// that never quote the token.
/// </summary>
internal static class JwtReader
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>Reads a signed JWT (JWS compact form; white space and a <c>Bearer </c> prefix are ignored).</summary>
    /// <exception cref="MalformedTokenException">Not a signed JWT with a JSON object header and payload.</exception>
    public static JsonWebToken Read(string? token)
    {
        var compact = TokenInspector.Normalize(token);
        if (compact.Length == 0)
        {
            throw new MalformedTokenException(MalformedTokenProblem.Empty, "The token is empty.");
        }

        JsonWebToken jwt;
        try
        {
            jwt = Handler.ReadJsonWebToken(compact);
        }
        // The library refuses with ArgumentException (IDX14101/14102) or SecurityTokenMalformedException (IDX14100,
        // IDX14120...); the others guard input no test has found yet. None of their messages is shown.
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or FormatException or System.Text.Json.JsonException or OverflowException)
        {
            throw MalformedTokenDiagnosis.Explain(compact);
        }

        // The library also reads encrypted tokens (JWE) and leaves the signature undecoded; a ServiceAccount token
        // is a JWS whose three parts are all base64url (RFC 7515 section 7.1), as go-jose insists.
        if (jwt.IsEncrypted || MalformedTokenDiagnosis.ShapeProblem(compact) is not null)
        {
            throw MalformedTokenDiagnosis.Explain(compact);
        }
        return jwt;
    }

    /// <summary>Reads <paramref name="token"/>, or returns false for anything that is not a signed JWT (an opaque
    /// or bootstrap token, garbage).</summary>
    public static bool TryRead(string? token, out JsonWebToken? jwt)
    {
        try
        {
            jwt = Read(token);
            return true;
        }
        catch (MalformedTokenException)
        {
            jwt = null;
            return false;
        }
    }
}
