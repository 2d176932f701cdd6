using SaTools.Engine.Rbac;

namespace SaTools.Engine.Tokens;

/// <summary>
/// What a JWT says about itself, decoded locally and NOT verified: nothing here is trustworthy until a
/// TokenReview or <see cref="OfflineTokenValidator"/> says so. Holds no copy of the token.
/// </summary>
public sealed class InspectedToken
{
    /// <summary>The issuer of every legacy Secret-based token (kubernetes/kubernetes pkg/serviceaccount/legacy.go,
    /// <c>LegacyIssuer</c>).</summary>
    public const string LegacyIssuer = "kubernetes/serviceaccount";

    internal InspectedToken() { }

    /// <summary>JOSE header <c>alg</c> (RS256 for the tokens kube-apiserver issues).</summary>
    public string? Algorithm { get; internal init; }
    /// <summary>JOSE header <c>kid</c>: on kube-apiserver, the base64url SHA-256 of the public key (DER SPKI).</summary>
    public string? KeyId { get; internal init; }
    /// <summary>JOSE header <c>typ</c>, usually absent.</summary>
    public string? HeaderType { get; internal init; }

    public string? Issuer { get; internal init; }
    public string? Subject { get; internal init; }
    public IReadOnlyList<string> Audiences { get; internal init; } = Array.Empty<string>();
    public DateTimeOffset? IssuedAt { get; internal init; }
    public DateTimeOffset? ExpiresAt { get; internal init; }
    public DateTimeOffset? NotBefore { get; internal init; }
    /// <summary><c>jti</c>: newer API servers (1.29+) put one in each token; v1.26 did not.</summary>
    public string? TokenId { get; internal init; }

    /// <summary>The ServiceAccount's namespace (<c>kubernetes.io.namespace</c>, or the legacy claim).</summary>
    public string? Namespace { get; internal init; }
    public string? ServiceAccountName { get; internal init; }
    public string? ServiceAccountUid { get; internal init; }

    /// <summary>The Pod, Secret or Node the token is bound to (a pod-bound token on a newer server also names
    /// its node: the pod wins here, the node is in <see cref="Node"/>).</summary>
    public TokenBoundObject? BoundObject { get; internal init; }
    /// <summary>The node named in the <c>kubernetes.io</c> claim, if any.</summary>
    public TokenBoundObject? Node { get; internal init; }
    /// <summary><c>kubernetes.io.warnafter</c>: set on the extended-lifetime tokens kubelet gets; the token's
    /// real intended expiry (kube-apiserver <c>--service-account-extend-token-expiration</c>).</summary>
    public DateTimeOffset? WarnAfter { get; internal init; }

    /// <summary>A legacy Secret-based token: issuer <see cref="LegacyIssuer"/> and no expiry.</summary>
    public bool IsLegacy { get; internal init; }
    /// <summary>For a legacy token, the Secret that holds it.</summary>
    public string? LegacySecretName { get; internal init; }

    /// <summary>The decoded JOSE header as compact JSON.</summary>
    public string HeaderJson { get; internal init; } = "{}";
    /// <summary>The decoded claims as compact JSON (claims are not secret; the signature is not included).</summary>
    public string ClaimsJson { get; internal init; } = "{}";
    /// <summary>Each top-level claim: strings as they are, anything else as JSON text.</summary>
    public IReadOnlyDictionary<string, string> Claims { get; internal init; } = new Dictionary<string, string>();

    /// <summary><c>exp - iat</c>, when both are present.</summary>
    public TimeSpan? Lifetime => ExpiresAt - IssuedAt;

    /// <summary>Time left at <paramref name="now"/> (negative when expired); null for a token without expiry.</summary>
    public TimeSpan? ExpiresIn(DateTimeOffset now) => ExpiresAt - now;

    /// <summary>The Kubernetes user name a ServiceAccount token authenticates as:
    /// <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c> (pkg/serviceaccount/util.go MakeUsername).</summary>
    public string? ServiceAccountUserName =>
        Namespace is { Length: > 0 } && ServiceAccountName is { Length: > 0 }
            ? new ServiceAccountRef(Namespace, ServiceAccountName).UserName
            : null;
}
