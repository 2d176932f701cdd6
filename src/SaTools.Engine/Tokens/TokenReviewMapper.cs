using k8s.Models;

namespace SaTools.Engine.Tokens;

/// <summary>Builds a TokenReview and maps the server's answer to a <see cref="TokenReviewOutcome"/>.</summary>
internal static class TokenReviewMapper
{
    public static V1TokenReview Build(string token, IReadOnlyList<string> audiences) => new()
    {
        ApiVersion = "authentication.k8s.io/v1",
        Kind = "TokenReview",
        Spec = new V1TokenReviewSpec
        {
            Token = token,
            Audiences = audiences.Count > 0 ? audiences.ToList() : null,
        },
    };

    /// <summary>
    /// Maps <c>status</c>. A failed review is HTTP 201 with only <c>{"user": {}, "error": "..."}</c> (no
    /// <c>authenticated</c>). When audiences were asked for, the token is valid only for those the server returns
    /// in <c>status.audiences</c>; a server that returns none of them is not audience-aware or the token is not
    /// for them, and either way the token does not authenticate for them (TokenReviewStatus.audiences, API reference).
    /// </summary>
    public static TokenReviewOutcome Map(V1TokenReview response, IReadOnlyList<string> requestedAudiences, InspectedToken inspected)
    {
        var status = response.Status;
        var authenticated = status?.Authenticated == true;
        var returned = status?.Audiences?.ToArray() ?? Array.Empty<string>();
        var error = string.IsNullOrEmpty(status?.Error) ? null : status!.Error;

        if (authenticated && requestedAudiences.Count > 0 && !returned.Intersect(requestedAudiences, StringComparer.Ordinal).Any())
        {
            authenticated = false;
            error = $"the TokenReview returned none of the requested audiences [{string.Join(",", requestedAudiences.Select(a => "\"" + a + "\""))}]: the token is not valid for them.";
        }
        if (!authenticated && error is null)
        {
            error = "the token was not authenticated (the server gave no reason).";
        }

        var user = status?.User;
        var extra = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (authenticated && user?.Extra is { } userExtra)
        {
            foreach (var pair in userExtra)
            {
                extra[pair.Key] = pair.Value?.ToArray() ?? Array.Empty<string>();
            }
        }

        return new TokenReviewOutcome
        {
            Method = TokenCheckMethod.TokenReview,
            Authenticated = authenticated,
            UserName = authenticated ? user?.Username : null,
            Uid = authenticated ? user?.Uid : null,
            Groups = authenticated ? user?.Groups?.ToArray() ?? Array.Empty<string>() : Array.Empty<string>(),
            Audiences = authenticated ? returned : Array.Empty<string>(),
            RequestedAudiences = requestedAudiences,
            Extra = extra,
            Error = authenticated ? null : error,
            Token = inspected,
        };
    }
}
