using SaTools.Engine.Tokens;

namespace SaTools.Output;

/// <summary>
/// What Test-K8sTokenReview returns for one token: the verdict (TokenReview or offline) and what the token says
/// of itself. Never contains the token.
/// </summary>
public sealed class K8sTokenReviewResult
{
    internal K8sTokenReviewResult(string? context, string? source, TokenReviewOutcome outcome, DateTimeOffset now)
    {
        var token = outcome.Token;
        Context = context;
        Source = source;
        Method = outcome.Method.ToString();
        Authenticated = outcome.Authenticated;
        UserName = outcome.UserName;
        Uid = outcome.Uid;
        Groups = new StringList(outcome.Groups);
        Audiences = new StringList(outcome.Audiences);
        RequestedAudiences = new StringList(outcome.RequestedAudiences);
        Extra = new StringList(outcome.Extra.SelectMany(pair => pair.Value.Select(value => pair.Key + "=" + value)));
        PodName = outcome.PodName;
        PodUid = outcome.PodUid;
        NodeName = outcome.NodeName;
        NodeUid = outcome.NodeUid;
        CredentialId = outcome.CredentialId;
        Error = outcome.Error;
        Issuer = token.Issuer;
        Subject = token.Subject;
        Namespace = token.Namespace;
        ServiceAccount = token.ServiceAccountName;
        TokenAudiences = new StringList(token.Audiences);
        IssuedAt = token.IssuedAt?.UtcDateTime;
        ExpiresAt = token.ExpiresAt?.UtcDateTime;
        ExpiresIn = token.ExpiresIn(now);
        BoundObject = token.BoundObject?.ToString();
        BoundObjectUid = token.BoundObject?.Uid;
        IsLegacy = token.IsLegacy;
        TokenId = token.TokenId;
        Limitations = new StringList(outcome.Limitations);
    }

    public string? Context { get; }
    /// <summary>Where the token came from: a file path, or <c>-Token</c>.</summary>
    public string? Source { get; }
    /// <summary><c>TokenReview</c> or <c>Offline</c>.</summary>
    public string Method { get; }
    public bool Authenticated { get; }
    public string? UserName { get; }
    public string? Uid { get; }
    public StringList Groups { get; }
    public string GroupList => string.Join(", ", Groups);
    /// <summary>The requested audiences the token is valid for (TokenReview's status.audiences).</summary>
    public StringList Audiences { get; }
    public string AudienceList => string.Join(", ", Audiences);
    /// <summary>The audiences asked for (-Audience); empty: the API server's own.</summary>
    public StringList RequestedAudiences { get; }
    public string RequestedAudienceList => string.Join(", ", RequestedAudiences);
    /// <summary><c>key=value</c> for each extra value (pod name and uid, node, credential id).</summary>
    public StringList Extra { get; }
    public string ExtraList => string.Join("; ", Extra);
    public string? PodName { get; }
    public string? PodUid { get; }
    /// <summary>The node the token names (<c>authentication.kubernetes.io/node-name</c>): the Node it is bound to,
    /// or its pod's node (1.32+).</summary>
    public string? NodeName { get; }
    public string? NodeUid { get; }
    /// <summary><c>JTI=&lt;jti&gt;</c> (<c>authentication.kubernetes.io/credential-id</c>, 1.30+): the id audit
    /// events record for this token.</summary>
    public string? CredentialId { get; }
    /// <summary>Why the token is not authenticated.</summary>
    public string? Error { get; }

    // What the token says of itself, decoded locally (not trusted unless Authenticated).
    public string? Issuer { get; }
    public string? Subject { get; }
    public string? Namespace { get; }
    public string? ServiceAccount { get; }
    /// <summary>The token's own <c>aud</c> claim, decoded locally.</summary>
    public StringList TokenAudiences { get; }
    public string TokenAudienceList => string.Join(", ", TokenAudiences);
    public DateTime? IssuedAt { get; }
    public DateTime? ExpiresAt { get; }
    public TimeSpan? ExpiresIn { get; }
    public string? BoundObject { get; }
    public string? BoundObjectUid { get; }
    /// <summary>A legacy Secret-based token without expiry.</summary>
    public bool IsLegacy { get; }
    public string? TokenId { get; }
    /// <summary>What this check could not know (offline: bound object existence, legacy invalidation).</summary>
    public StringList Limitations { get; }
    public string LimitationList => string.Join(" ", Limitations);

    public override string ToString() =>
        Authenticated ? $"{Method}: authenticated as {UserName}" : $"{Method}: not authenticated: {Error}";
}
