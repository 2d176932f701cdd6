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
    /// <summary>Set from the token's <c>jti</c> as <c>JTI=&lt;jti&gt;</c> (Kubernetes 1.29+).</summary>
    public const string CredentialIdKey = "authentication.kubernetes.io/credential-id";

    /// <summary>The <c>extra</c> map the API server would attach for this token.</summary>
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
        if (token.TokenId is { Length: > 0 } jti)
        {
            extra[CredentialIdKey] = new[] { "JTI=" + jti };
        }
        return extra;
    }
}
