namespace SaTools.Engine.Tokens;

/// <summary>
/// The user a ServiceAccount token authenticates as, derived from its claims the way kube-apiserver derives it
/// (pkg/serviceaccount/util.go <c>ServiceAccountInfo.UserInfo</c>): used for offline results, where there is no
/// TokenReview to ask.
/// </summary>
public static class ServiceAccountIdentity
{
    /// <summary>Extra key for the bound pod's name (k8s.io/apiserver pkg/authentication/serviceaccount).</summary>
    public const string PodNameKey = "authentication.kubernetes.io/pod-name";
    public const string PodUidKey = "authentication.kubernetes.io/pod-uid";
    public const string NodeNameKey = "authentication.kubernetes.io/node-name";
    public const string NodeUidKey = "authentication.kubernetes.io/node-uid";
    /// <summary>Set from the token's <c>jti</c> as <c>JTI=&lt;jti&gt;</c> (ServiceAccountTokenJTI: beta and on by
    /// default in 1.30, GA in 1.32).</summary>
    public const string CredentialIdKey = "authentication.kubernetes.io/credential-id";

    /// <summary>
    /// The credential id the API server reports for a token with this <c>jti</c>: <c>JTI=&lt;jti&gt;</c>, in the
    /// TokenReview's user extra and in audit events (k8s.io/apiserver pkg/authentication/serviceaccount/util.go
    /// <c>CredentialIDForJTI</c>, used by pkg/serviceaccount/claims.go). Null for a token without a jti (v1.26).
    /// </summary>
    public static string? CredentialIdFor(string? tokenId) => string.IsNullOrEmpty(tokenId) ? null : "JTI=" + tokenId;

    /// <summary>
    /// The <c>extra</c> map the API server would attach for this token (pkg/serviceaccount/claims.go, validator
    /// Validate, 1.32+): the bound pod's name and uid; the node's name and uid, from the <c>kubernetes.io.node</c>
    /// claim that a Node-bound token carries and that a pod-bound token carries for the node the pod was scheduled
    /// to (ServiceAccountTokenPodNodeInfo, GA 1.32; not verified by the API server); the credential id.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraFor(InspectedToken token)
    {
        var extra = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (token.BoundObject is { Kind: "Pod" } pod)
        {
            extra[PodNameKey] = new[] { pod.Name };
            if (pod.Uid is { Length: > 0 }) extra[PodUidKey] = new[] { pod.Uid };
        }
        if (token.Node is { } node)
        {
            extra[NodeNameKey] = new[] { node.Name };
            if (node.Uid is { Length: > 0 }) extra[NodeUidKey] = new[] { node.Uid };
        }
        if (CredentialIdFor(token.TokenId) is { } credentialId)
        {
            extra[CredentialIdKey] = new[] { credentialId };
        }
        return extra;
    }
}
