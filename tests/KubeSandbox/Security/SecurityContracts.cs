using System.Text.Json.Nodes;

namespace KubeSandbox.Security;

/// <summary>Who made a request, as the authenticator decided (k8s.io/apiserver pkg/authentication/user.Info).</summary>
public sealed record UserInfo(
    string Name,
    string Uid,
    IReadOnlyList<string> Groups,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Extra);

/// <summary>What a request asks to do, as the RBAC authorizer sees it
/// (k8s.io/apiserver pkg/authorization/authorizer.AttributesRecord).</summary>
public sealed record RequestAttributes(
    UserInfo User,
    string Verb,
    bool IsResourceRequest,
    string Path,
    string ApiGroup = "",
    string ApiVersion = "",
    string Resource = "",
    string Subresource = "",
    string Namespace = "",
    string Name = "");

/// <summary>An authorizer's answer: allowed or not, the reason string the real server writes, and the errors
/// it met on the way (a binding to a missing role), which the real server reports too.</summary>
public sealed record AuthorizationDecision(bool Allowed, string Reason, IReadOnlyList<string> EvaluationErrors);

/// <summary>The outcome of checking a bearer token: a user, or the error text the real server gives.</summary>
public sealed record AuthenticationResult(UserInfo? User, IReadOnlyList<string> Audiences, string? Error)
{
    public bool Authenticated => User is not null;
}

/// <summary>Turns a bearer token into a user (the admin token, or a ServiceAccount token).</summary>
public interface IAuthenticator
{
    /// <param name="token">The bearer token.</param>
    /// <param name="audiences">The audiences the caller accepts; empty means the API server's own.</param>
    AuthenticationResult Authenticate(string token, IReadOnlyList<string> audiences);
}

/// <summary>Decides a request as kube-apiserver's authorizer chain would (system:masters, then RBAC).</summary>
public interface IAuthorizer
{
    AuthorizationDecision Authorize(RequestAttributes attributes);
}
