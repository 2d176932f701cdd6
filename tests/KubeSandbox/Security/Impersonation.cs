using System.Text.Json.Nodes;
using KubeSandbox.Api;

namespace KubeSandbox.Security;

/// <summary>
/// Request impersonation (<c>Impersonate-User</c>, <c>Impersonate-Group</c>, <c>Impersonate-Uid</c>,
/// <c>Impersonate-Extra-*</c>), as k8s.io/apiserver pkg/endpoints/filters/impersonation.go: each requested identity
/// needs the <c>impersonate</c> verb on users, serviceaccounts, groups, uids or userextras; a service account
/// impersonated without groups gets its fixed groups; system:authenticated is added unless told otherwise.
/// kubectl's <c>--as</c>/<c>--as-group</c> use it.
/// </summary>
public sealed class Impersonation
{
    public const string UserHeader = "Impersonate-User";
    public const string GroupHeader = "Impersonate-Group";
    public const string UidHeader = "Impersonate-Uid";
    public const string ExtraHeaderPrefix = "Impersonate-Extra-";

    private readonly IAuthorizer _authorizer;

    public Impersonation(IAuthorizer authorizer) => _authorizer = authorizer;

    /// <summary>The user the request acts as: <paramref name="requester"/> when no impersonation header is present,
    /// otherwise the impersonated user. Throws a 403 <see cref="ApiException"/> when not allowed.</summary>
    /// <param name="headers">Request headers (names case-insensitive), each with all its values.</param>
    public UserInfo Apply(UserInfo requester, IReadOnlyDictionary<string, IReadOnlyList<string>> headers)
    {
        IReadOnlyList<string> Values(string name) =>
            headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? Array.Empty<string>();

        var userName = Values(UserHeader).FirstOrDefault() ?? "";
        var groupsRequested = Values(GroupHeader);
        var uid = Values(UidHeader).FirstOrDefault() ?? "";
        var extras = headers.Where(h => h.Key.StartsWith(ExtraHeaderPrefix, StringComparison.OrdinalIgnoreCase)).ToList();
        if (userName.Length == 0)
        {
            if (groupsRequested.Count > 0 || extras.Count > 0 || uid.Length > 0)
            {
                throw new ApiException(500, "InternalError",
                    "Internal error occurred: requested impersonation without impersonating a user",
                    new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = "requested impersonation without impersonating a user" }) });
            }
            return requester;
        }

        var groups = new List<string>();
        var extra = new Dictionary<string, IReadOnlyList<string>>();
        if (ServiceAccountUser.Split(userName) is { } sa)
        {
            Check(requester, "serviceaccounts", "", sa.Namespace, sa.Name);
            if (groupsRequested.Count == 0)
            {
                groups.AddRange(ServiceAccountUser.Groups(sa.Namespace));
            }
        }
        else
        {
            Check(requester, "users", "", "", userName);
        }
        foreach (var group in groupsRequested)
        {
            Check(requester, "groups", "", "", group);
            groups.Add(group);
        }
        foreach (var (header, values) in extras)
        {
            // unescapeExtraKey(strings.ToLower(...)): lower-cased while still escaped, so %41 stays "A".
            var key = Uri.UnescapeDataString(header[ExtraHeaderPrefix.Length..].ToLowerInvariant());
            foreach (var value in values)
            {
                Check(requester, "userextras", key, "", value, "authentication.k8s.io");
            }
            extra[key] = values.ToArray();
        }
        if (uid.Length > 0)
        {
            Check(requester, "uids", "", "", uid, "authentication.k8s.io");
        }

        if (userName != ServiceAccountUser.Anonymous)
        {
            if (!groups.Contains(ServiceAccountUser.Authenticated) && !groups.Contains(ServiceAccountUser.Unauthenticated))
            {
                groups.Add(ServiceAccountUser.Authenticated);
            }
        }
        else if (!groups.Contains(ServiceAccountUser.Unauthenticated))
        {
            groups.Add(ServiceAccountUser.Unauthenticated);
        }
        return new UserInfo(userName, uid, groups, extra);
    }

    private void Check(UserInfo requester, string resource, string subresource, string ns, string name, string group = "")
    {
        var attributes = new RequestAttributes(requester, "impersonate", true, "", group, "v1",
            resource, subresource, ns, name);
        var decision = _authorizer.Authorize(attributes);
        if (!decision.Allowed)
        {
            throw ApiErrors.Forbidden(attributes, decision.Reason);
        }
    }
}
