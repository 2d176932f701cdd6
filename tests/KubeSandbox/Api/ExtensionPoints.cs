using System.Text.Json.Nodes;
using KubeSandbox.Security;

namespace KubeSandbox.Api;

/// <summary>What the HTTP layer knows of a request once it is authenticated and authorized.</summary>
public sealed record RequestContext(
    UserInfo User,
    string Verb,
    string? Namespace,
    string? Name,
    IReadOnlyDictionary<string, string> Query);

/// <summary>
/// A create-only resource with no storage (TokenReview, SubjectAccessReview, SelfSubjectRulesReview...) or a
/// create-only subresource (<c>serviceaccounts/token</c>). The HTTP layer routes a POST on
/// <c>{group}/{version}/[namespaces/{ns}/]{Resource}[/{name}/{Subresource}]</c> here after authentication and
/// authorization; the returned object is the 201 response body. Failures are thrown as <see cref="ApiException"/>.
/// </summary>
public interface IVirtualCreateHandler
{
    string Group { get; }
    string Version { get; }
    string Resource { get; }
    /// <summary>The subresource this handles (<c>token</c>), or null for a top-level resource.</summary>
    string? Subresource { get; }
    bool Namespaced { get; }
    /// <summary>The kind of the request and response bodies (<c>TokenReview</c>, <c>TokenRequest</c>).</summary>
    string Kind { get; }
    /// <summary>The API group of the request and response bodies, when it is not the URL's: TokenRequest, a
    /// subresource of core <c>serviceaccounts</c>, is an <c>authentication.k8s.io</c> object.</summary>
    string BodyGroup => Group;

    JsonObject Create(RequestContext context, JsonObject body);
}

/// <summary>
/// Admission, as kube-apiserver runs it after authorization and before a write is stored (for example RBAC's
/// escalation check on roles and bindings). Throws <see cref="ApiException"/> to refuse.
/// </summary>
public interface IAdmissionCheck
{
    /// <param name="resource">The plural resource written.</param>
    /// <param name="oldObject">The stored object for an update or patch; null for a create.</param>
    /// <param name="newObject">The object about to be stored.</param>
    void Admit(RequestContext context, string resource, JsonObject? oldObject, JsonObject newObject);
}
