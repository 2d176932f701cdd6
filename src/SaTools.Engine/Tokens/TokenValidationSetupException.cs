namespace SaTools.Engine.Tokens;

/// <summary>
/// Validation cannot run at all: the discovery document or JWKS is missing, unreadable or unusable. Distinct
/// from a token that fails validation, which is a result, not an exception.
/// </summary>
public sealed class TokenValidationSetupException : Exception
{
    public TokenValidationSetupException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
