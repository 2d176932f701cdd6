using SaTools.Engine.Api;

namespace SaTools.Engine.Tokens;

/// <summary>TokenRequest and TokenReview against the connected cluster.</summary>
public sealed class TokenService
{
    private readonly KubeApi api;
    private readonly TimeProvider clock;

    public TokenService(KubeApi api, TimeProvider? clock = null)
    {
        this.api = api ?? throw new ArgumentNullException(nameof(api));
        this.clock = clock ?? TimeProvider.System;
    }

    /// <summary>Mints a token (<c>POST .../serviceaccounts/{name}/token</c>).</summary>
    /// <exception cref="ArgumentException">The request is invalid before it is sent (duration, kind).</exception>
    /// <exception cref="KubeApiException">The server refused; see <see cref="TokenRequestFailure.Classify"/>.</exception>
    public async Task<BoundToken> RequestAsync(BoundTokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = TokenRequestMapper.Build(request);
        var response = await api.CreateTokenAsync(request.Namespace, request.ServiceAccount, body, cancellationToken).ConfigureAwait(false);
        return TokenRequestMapper.Map(request, response, clock.GetUtcNow());
    }

    /// <summary>Reviews a token (<c>POST /apis/authentication.k8s.io/v1/tokenreviews</c>). The token is decoded
    /// first, so a malformed one is refused before anything is sent.</summary>
    /// <exception cref="MalformedTokenException">Not a well-formed JWT; nothing was sent.</exception>
    /// <exception cref="KubeApiException">The server refused the review (403 without create on tokenreviews).</exception>
    public async Task<TokenReviewOutcome> ReviewAsync(string token, IReadOnlyList<string>? audiences, CancellationToken cancellationToken)
    {
        var compact = TokenInspector.Normalize(token);
        var inspected = TokenInspector.Inspect(compact);
        var requested = (audiences ?? Array.Empty<string>()).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct(StringComparer.Ordinal).ToArray();
        var response = await api.CreateTokenReviewAsync(TokenReviewMapper.Build(compact, requested), cancellationToken).ConfigureAwait(false);
        return TokenReviewMapper.Map(response, requested, inspected);
    }
}
