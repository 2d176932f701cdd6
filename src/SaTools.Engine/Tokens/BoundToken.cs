namespace SaTools.Engine.Tokens;

/// <summary>
/// A token the API server issued, with what it says of itself. The raw token is in <see cref="Token"/> and
/// nowhere else; <see cref="ToString"/> never shows it. The module turns it into a SecureString.
/// </summary>
public sealed class BoundToken
{
    internal BoundToken(BoundTokenRequest request, string token, InspectedToken inspected,
        DateTimeOffset? expiresAt, IReadOnlyList<string> audiences, DateTimeOffset issuedAt)
    {
        Namespace = request.Namespace;
        ServiceAccount = request.ServiceAccount;
        RequestedDuration = request.EffectiveDuration;
        Token = token;
        Inspected = inspected;
        Audiences = audiences;
        IssuedAt = issuedAt;
        ExpiresAt = expiresAt ?? inspected.ExpiresAt;
        BoundObject = inspected.BoundObject ?? request.BoundObject;
    }

    public string Namespace { get; }
    public string ServiceAccount { get; }
    public IReadOnlyList<string> Audiences { get; }
    public DateTimeOffset IssuedAt { get; }

    /// <summary>From <c>status.expirationTimestamp</c>: the lifetime the server granted. (A pod-bound token for
    /// the API audience may carry a JWT exp a year later: the extended expiration kubelet relies on.)</summary>
    public DateTimeOffset? ExpiresAt { get; }

    public TimeSpan RequestedDuration { get; }

    /// <summary>The lifetime granted, <c>ExpiresAt - IssuedAt</c>.</summary>
    public TimeSpan? GrantedDuration => ExpiresAt - IssuedAt;

    /// <summary>The server gave less than was asked for (its <c>--service-account-max-token-expiration</c>
    /// shortens requests silently: pkg/registry/core/serviceaccount/storage/token.go). A second of tolerance
    /// covers the rounding of both timestamps to whole seconds.</summary>
    public bool Capped => GrantedDuration is { } granted && granted < RequestedDuration - TimeSpan.FromSeconds(1);

    public TokenBoundObject? BoundObject { get; }
    public string? Issuer => Inspected.Issuer;
    public string? TokenId => Inspected.TokenId;
    /// <summary><c>JTI=&lt;jti&gt;</c>: the credential id TokenReview and audit events report for this token.</summary>
    public string? CredentialId => ServiceAccountIdentity.CredentialIdFor(Inspected.TokenId);
    /// <summary>The node in the token's <c>kubernetes.io.node</c> claim: the node it is bound to, or the node its
    /// bound pod runs on (1.32+).</summary>
    public TokenBoundObject? Node => Inspected.Node;
    public InspectedToken Inspected { get; }

    /// <summary>The raw token. Never logged, never in ToString.</summary>
    public string Token { get; }

    public override string ToString() => $"Token for {Namespace}/{ServiceAccount}, expires {ExpiresAt:u}";
}
