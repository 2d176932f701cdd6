using k8s.Models;
using SaTools.Engine.Names;

namespace SaTools.Engine.Rbac;

/// <summary>
/// A ServiceAccount and the identity the API server gives its tokens
/// (staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go): user
/// <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>, groups <c>system:serviceaccounts</c>,
/// <c>system:serviceaccounts:&lt;ns&gt;</c> and, added by the authenticator, <c>system:authenticated</c>.
/// </summary>
public sealed record ServiceAccountRef(string Namespace, string Name)
{
    public const string UserPrefix = "system:serviceaccount:";
    public const string AllServiceAccountsGroup = "system:serviceaccounts";
    public const string NamespaceGroupPrefix = "system:serviceaccounts:";
    public const string AuthenticatedGroup = "system:authenticated";

    public string UserName => UserPrefix + Namespace + ":" + Name;

    public IReadOnlyList<string> Groups => GroupsOf(Namespace);

    public static IReadOnlyList<string> GroupsOf(string ns) =>
        new[] { AllServiceAccountsGroup, NamespaceGroupPrefix + ns, AuthenticatedGroup };

    /// <summary>Parses <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>; null for any other user name.</summary>
    public static ServiceAccountRef? FromUserName(string? userName)
    {
        if (userName is null || !userName.StartsWith(UserPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = userName.AsSpan(UserPrefix.Length);
        var colon = rest.IndexOf(':');
        if (colon <= 0 || colon == rest.Length - 1 || rest[(colon + 1)..].Contains(':'))
        {
            return null;
        }

        return new ServiceAccountRef(rest[..colon].ToString(), rest[(colon + 1)..].ToString());
    }

    /// <summary>The order every listing of ServiceAccounts is given in: the API server's (<see cref="ListingOrder"/>).</summary>
    public static IComparer<ServiceAccountRef> Order { get; } = ListingOrder.By<ServiceAccountRef>(sa => sa.Namespace, sa => sa.Name);

    /// <summary>The ServiceAccount an API object describes; null for one without a name. A namespace left out
    /// (a dump written without one) is <c>default</c>, as kubectl applies it.</summary>
    internal static ServiceAccountRef? From(V1ServiceAccount serviceAccount) =>
        string.IsNullOrEmpty(serviceAccount.Metadata?.Name)
            ? null
            : new ServiceAccountRef(serviceAccount.Metadata.NamespaceProperty ?? "default", serviceAccount.Metadata.Name);

    public override string ToString() => Namespace + "/" + Name;
}
