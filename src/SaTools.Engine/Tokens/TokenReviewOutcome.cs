using SaTools.Engine.Rbac;

namespace SaTools.Engine.Tokens;

/// <summary>How a token was checked.</summary>
public enum TokenCheckMethod
{
    TokenReview,
    Offline,
}

/// <summary>
/// The answer about one token, online (TokenReview) or offline, in one shape: who it authenticates as, for which
/// audiences, or why not. Holds no copy of the token.
/// </summary>
public sealed class TokenReviewOutcome
{
    internal TokenReviewOutcome() { }

    public TokenCheckMethod Method { get; internal init; }
    public bool Authenticated { get; internal init; }
    public string? UserName { get; internal init; }
    public string? Uid { get; internal init; }
    public IReadOnlyList<string> Groups { get; internal init; } = Array.Empty<string>();
    /// <summary>The audiences asked for that the token is valid for (TokenReview's status.audiences).</summary>
    public IReadOnlyList<string> Audiences { get; internal init; } = Array.Empty<string>();
    /// <summary>The audiences the reviewer asked for (empty: the API server's own).</summary>
    public IReadOnlyList<string> RequestedAudiences { get; internal init; } = Array.Empty<string>();
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Extra { get; internal init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>Why the token is not authenticated; null when it is.</summary>
    public string? Error { get; internal init; }
    /// <summary>What the token says of itself, decoded locally.</summary>
    public InspectedToken Token { get; internal init; } = null!;
    /// <summary>What this check could not know (offline: bound object existence, legacy invalidation).</summary>
    public IReadOnlyList<string> Limitations { get; internal init; } = Array.Empty<string>();

    public string? PodName => First(ServiceAccountIdentity.PodNameKey);
    public string? PodUid => First(ServiceAccountIdentity.PodUidKey);
    public string? NodeName => First(ServiceAccountIdentity.NodeNameKey);
    public string? NodeUid => First(ServiceAccountIdentity.NodeUidKey);
    public string? CredentialId => First(ServiceAccountIdentity.CredentialIdKey);

    private string? First(string key) => Extra.TryGetValue(key, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>The same shape from an offline validation.</summary>
    public static TokenReviewOutcome FromOffline(OfflineValidationResult result, IReadOnlyList<string>? requestedAudiences)
    {
        var token = result.Token;
        return new TokenReviewOutcome
        {
            Method = TokenCheckMethod.Offline,
            Authenticated = result.Valid,
            // On success, the user the API server would derive (pkg/serviceaccount/util.go); on failure, nothing,
            // as a failed TokenReview returns an empty user.
            UserName = result.Valid ? token.ServiceAccountUserName ?? token.Subject : null,
            Uid = result.Valid ? token.ServiceAccountUid : null,
            Groups = result.Valid && token.Namespace is { Length: > 0 } ns ? ServiceAccountRef.GroupsOf(ns) : Array.Empty<string>(),
            Audiences = result.Audiences,
            RequestedAudiences = requestedAudiences ?? Array.Empty<string>(),
            Extra = result.Valid ? ServiceAccountIdentity.ExtraFor(token) : new Dictionary<string, IReadOnlyList<string>>(),
            Error = result.Error,
            Token = token,
            Limitations = result.Limitations,
        };
    }
}
