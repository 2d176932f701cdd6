using System.Text.Json.Nodes;
using KubeSandbox.Api;

namespace KubeSandbox.Security;

/// <summary>
/// <c>POST /apis/authentication.k8s.io/v1/tokenreviews</c>, as pkg/registry/authentication/tokenreview/storage.go:
/// an empty token is 400; otherwise 201 with the user, the granted audiences and extra on success, and only
/// <c>{"user": {}, "error": ...}</c> on failure.
/// </summary>
public sealed class TokenReviewHandler : IVirtualCreateHandler
{
    private readonly IAuthenticator _authenticator;
    private readonly SecurityOptions _options;

    public TokenReviewHandler(IAuthenticator authenticator, SecurityOptions options)
    {
        _authenticator = authenticator;
        _options = options;
    }

    public string Group => "authentication.k8s.io";
    public string Version => "v1";
    public string Resource => "tokenreviews";
    public string? Subresource => null;
    public bool Namespaced => false;
    public string Kind => "TokenReview";

    public JsonObject Create(RequestContext context, JsonObject body)
    {
        if (ApiErrors.WrongKind(body, Group, Version, Kind) is { } wrongKind)
        {
            throw wrongKind;
        }
        TypedDecode.Check(body, Kind, TypedDecode.TokenReview);
        if (!string.IsNullOrEmpty(context.Namespace))
        {
            throw ApiErrors.BadRequest($"namespace is not allowed on this type: {context.Namespace}");
        }
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var token = KubeObject.Str(spec["token"]) ?? "";
        if (token.Length == 0)
        {
            throw ApiErrors.BadRequest("token is required for TokenReview in authentication");
        }
        var requested = KubeObject.Strings(spec["audiences"]);
        var result = _authenticator.Authenticate(token, requested.Count > 0 ? requested : _options.ApiAudiences);

        var outSpec = new JsonObject { ["token"] = token };
        if (requested.Count > 0)
        {
            outSpec["audiences"] = KubeObject.ToArray(requested);
        }
        var status = new JsonObject();
        if (result.User is { } user)
        {
            status["authenticated"] = true;
            status["user"] = UserInfoJson(user);
            status["audiences"] = KubeObject.ToArray(result.Audiences);
        }
        else
        {
            status["user"] = new JsonObject();
        }
        if (result.Error is { Length: > 0 } error)
        {
            status["error"] = error;
        }
        return new JsonObject
        {
            ["kind"] = Kind,
            ["apiVersion"] = Group + "/" + Version,
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = outSpec,
            ["status"] = status,
        };
    }

    /// <summary>authentication/v1 UserInfo, every member omitted when empty.</summary>
    internal static JsonObject UserInfoJson(UserInfo user)
    {
        var o = new JsonObject();
        if (user.Name.Length > 0) o["username"] = user.Name;
        if (user.Uid.Length > 0) o["uid"] = user.Uid;
        if (user.Groups.Count > 0) o["groups"] = KubeObject.ToArray(user.Groups);
        if (user.Extra.Count > 0)
        {
            var extra = new JsonObject();
            // Go writes a map's keys sorted.
            foreach (var (k, v) in user.Extra.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                extra[k] = KubeObject.ToArray(v);
            }
            o["extra"] = extra;
        }
        return o;
    }
}

/// <summary>
/// <c>POST /apis/authentication.k8s.io/v1/selfsubjectreviews</c> (what <c>kubectl auth whoami</c> calls), as
/// pkg/registry/authentication/selfsubjectreview/rest.go: the caller's own user info.
/// </summary>
public sealed class SelfSubjectReviewHandler : IVirtualCreateHandler
{
    private readonly TimeProvider _clock;

    public SelfSubjectReviewHandler(TimeProvider clock) => _clock = clock;

    public string Group => "authentication.k8s.io";
    public string Version => "v1";
    public string Resource => "selfsubjectreviews";
    public string? Subresource => null;
    public bool Namespaced => false;
    public string Kind => "SelfSubjectReview";

    public JsonObject Create(RequestContext context, JsonObject body)
    {
        if (ApiErrors.WrongKind(body, Group, Version, Kind) is { } wrongKind)
        {
            throw wrongKind;
        }
        return new JsonObject
        {
            ["kind"] = Kind,
            ["apiVersion"] = Group + "/" + Version,
            ["metadata"] = new JsonObject { ["creationTimestamp"] = TokenRequestHandler.Rfc3339(_clock.GetUtcNow()) },
            ["status"] = new JsonObject { ["userInfo"] = TokenReviewHandler.UserInfoJson(context.User) },
        };
    }
}
