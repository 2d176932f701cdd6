namespace SaTools.Engine.Tokens;

/// <summary>Why offline validation refused a token.</summary>
public enum OfflineValidationFailure
{
    None,
    /// <summary><c>alg: none</c>, a symmetric (HS*) algorithm, or anything but RS256, ES256, ES384 and ES512.</summary>
    AlgorithmRefused,
    /// <summary>Not signed by any key in the issuer's JWKS (forged, tampered, or another cluster's).</summary>
    SignatureInvalid,
    IssuerInvalid,
    AudienceInvalid,
    Expired,
    NotYetValid,
    /// <summary>A non-legacy token without <c>exp</c>.</summary>
    NoExpiration,
}

/// <summary>The answer of <see cref="OfflineTokenValidator"/>: valid or not and why, and what it cannot know.</summary>
public sealed class OfflineValidationResult
{
    internal OfflineValidationResult(InspectedToken token, OfflineValidationFailure failure, string? error,
        IReadOnlyList<string> audiences, IReadOnlyList<string> limitations, string? issuer, string keySource)
    {
        Token = token;
        Failure = failure;
        Error = error;
        Audiences = audiences;
        Limitations = limitations;
        ExpectedIssuer = issuer;
        KeySource = keySource;
    }

    /// <summary>Signature, algorithm, issuer, audience and lifetime all check out.</summary>
    public bool Valid => Failure == OfflineValidationFailure.None;

    public OfflineValidationFailure Failure { get; }

    /// <summary>The reason when not valid; null when valid.</summary>
    public string? Error { get; }

    /// <summary>The audiences both the caller expects and the token carries (as TokenReview's status.audiences).</summary>
    public IReadOnlyList<string> Audiences { get; }

    /// <summary>What offline validation could not check (bound object existence, legacy invalidation...).</summary>
    public IReadOnlyList<string> Limitations { get; }

    /// <summary>What the token says of itself.</summary>
    public InspectedToken Token { get; }

    /// <summary>The issuer checked against, or null when none was known.</summary>
    public string? ExpectedIssuer { get; }

    /// <summary>Where the keys came from.</summary>
    public string KeySource { get; }
}
