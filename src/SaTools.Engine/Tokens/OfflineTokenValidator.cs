using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SaTools.Engine.Tokens;

/// <summary>
/// Validates a ServiceAccount token without the API server, against the issuer's public keys, in the order
/// kube-apiserver does it (pkg/serviceaccount/jwt.go, claims.go): algorithm, signature and issuer, then
/// audiences, then lifetime. The signature is JsonWebTokenHandler's job; audiences and lifetime are checked here
/// because their rules are Kubernetes' own (legacy tokens carry the API server's implicit audiences; the clock
/// is injectable for tests). What only the API server knows is listed in the result's Limitations.
/// </summary>
public sealed class OfflineTokenValidator
{
    /// <summary>The leeway kube-apiserver allows on exp/nbf/iat: go-jose's <c>jwt.DefaultLeeway</c> (1 minute),
    /// used by pkg/serviceaccount/claims.go through <c>Claims.Validate</c>.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(1);

    /// <summary>The only algorithms accepted: those ServiceAccount issuers sign with, RS256 for an RSA key and
    /// ES256/ES384/ES512 for an EC key on P-256/P-384/P-521 (pkg/serviceaccount/jwt.go, signerFromRSAPrivateKey and
    /// signerFromECDSAPrivateKey). <c>none</c> and every symmetric (HS*) algorithm are refused before any key is
    /// looked at.</summary>
    public static readonly IReadOnlyList<string> AcceptedAlgorithms = new[]
    {
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    };

    private readonly IssuerSigningKeys keys;
    private readonly TimeProvider clock;
    private readonly TimeSpan clockSkew;
    private readonly JsonWebTokenHandler handler = new();

    public OfflineTokenValidator(IssuerSigningKeys keys, TimeProvider? clock = null, TimeSpan? clockSkew = null)
    {
        this.keys = keys ?? throw new ArgumentNullException(nameof(keys));
        this.clock = clock ?? TimeProvider.System;
        this.clockSkew = clockSkew ?? DefaultClockSkew;
    }

    /// <summary>
    /// Validates <paramref name="token"/>. <paramref name="expectedAudiences"/> are the audiences the caller
    /// accepts; when empty, the API server's own audience (its issuer) is expected, as a TokenReview without
    /// audiences does (kube-apiserver's <c>--api-audiences</c> defaults to the issuer).
    /// </summary>
    /// <exception cref="MalformedTokenException">The token is not a well-formed JWT.</exception>
    public async Task<OfflineValidationResult> ValidateAsync(string token, IReadOnlyList<string>? expectedAudiences, CancellationToken cancellationToken = default)
    {
        var compact = TokenInspector.Normalize(token);
        var inspected = TokenInspector.Inspect(compact);
        cancellationToken.ThrowIfCancellationRequested();

        var limitations = LimitationsFor(inspected);
        var requested = (expectedAudiences ?? Array.Empty<string>()).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct(StringComparer.Ordinal).ToArray();
        var implicitAudiences = keys.Issuer is null ? null : new[] { keys.Issuer };
        var expected = requested.Length > 0 ? requested : implicitAudiences;

        OfflineValidationResult Fail(OfflineValidationFailure failure, string error) =>
            new(inspected, failure, error, Array.Empty<string>(), limitations, keys.Issuer, keys.Source);

        // 1. Algorithm, from the (untrusted) header: refused before any key is used.
        var alg = inspected.Algorithm ?? string.Empty;
        if (!AcceptedAlgorithms.Contains(alg, StringComparer.Ordinal))
        {
            var why = alg.Length == 0 || alg.Equals("none", StringComparison.OrdinalIgnoreCase)
                ? "the token is unsigned (alg: none)"
                : alg.StartsWith("HS", StringComparison.OrdinalIgnoreCase)
                    ? $"the token uses the symmetric algorithm {alg}"
                    : $"the token uses the algorithm {alg}";
            return Fail(OfflineValidationFailure.AlgorithmRefused,
                $"{why}; only {string.Join(", ", AcceptedAlgorithms.Take(AcceptedAlgorithms.Count - 1))} and {AcceptedAlgorithms[^1]} signatures are accepted.");
        }

        // 2a. Only keys of the type and curve the algorithm needs: an ES384 token is never checked against a
        //     P-256 key, nor an RS256 one against an EC key.
        var candidates = keys.KeysFor(alg);
        if (candidates.Count == 0)
        {
            return Fail(OfflineValidationFailure.SignatureInvalid,
                $"the token is signed with {alg}, and the issuer's JWKS ({keys.Source}) has no key for {alg}: the token was forged, altered, or issued by another cluster.");
        }

        // 2. Signature and issuer (the library's job).
        var legacyIssuer = string.Equals(inspected.Issuer, InspectedToken.LegacyIssuer, StringComparison.Ordinal);
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = candidates,
            ValidAlgorithms = new[] { alg },
            RequireSignedTokens = true,
            TryAllIssuerSigningKeys = true,
            ValidateIssuerSigningKey = false,
            // kube-apiserver always accepts the legacy issuer next to its configured ones
            // (pkg/kubeapiserver/authenticator/config.go, newLegacyServiceAccountAuthenticator).
            ValidateIssuer = keys.Issuer is not null || legacyIssuer,
            ValidIssuers = keys.Issuer is null ? new[] { InspectedToken.LegacyIssuer } : new[] { keys.Issuer, InspectedToken.LegacyIssuer },
            ValidateAudience = false,
            RequireAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateSignatureLast = false,
            LogValidationExceptions = false,
        };
        TokenValidationResult validation;
        try
        {
            validation = await handler.ValidateTokenAsync(compact, parameters).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Fail(OfflineValidationFailure.SignatureInvalid, $"the token could not be verified ({ex.GetType().Name}).");
        }
        if (!validation.IsValid)
        {
            return validation.Exception switch
            {
                SecurityTokenInvalidIssuerException => Fail(OfflineValidationFailure.IssuerInvalid,
                    $"the token's issuer '{inspected.Issuer}' is not the expected issuer '{keys.Issuer}'."),
                SecurityTokenInvalidAlgorithmException => Fail(OfflineValidationFailure.AlgorithmRefused,
                    $"the token's algorithm {alg} does not match the signing key."),
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException or null => Fail(OfflineValidationFailure.SignatureInvalid,
                    $"the signature does not verify with any key of the issuer's JWKS ({keys.Source}): the token was forged, altered, or issued by another cluster."),
                var other => Fail(OfflineValidationFailure.SignatureInvalid,
                    $"the token could not be verified ({other.GetType().Name})."),
            };
        }
        if (keys.Issuer is null && !legacyIssuer)
        {
            limitations = limitations.Append("The issuer was not checked: the keys came without an issuer (give -Issuer with -JwksPath).").ToArray();
        }

        // 3. Audiences: the intersection, as TokenReview returns it (pkg/serviceaccount/jwt.go). A token without aud
        //    (every legacy token) is valid for the API server's implicit audiences only.
        IReadOnlyList<string>? tokenAudiences = inspected.Audiences.Count > 0 ? inspected.Audiences : implicitAudiences;
        IReadOnlyList<string> audiences;
        if (expected is null || tokenAudiences is null)
        {
            audiences = tokenAudiences ?? Array.Empty<string>();
            limitations = limitations.Append("The audience was not checked: no -Audience was given and the API server's audience (its issuer) is unknown.").ToArray();
        }
        else
        {
            audiences = tokenAudiences.Intersect(expected, StringComparer.Ordinal).ToArray();
            if (audiences.Count == 0)
            {
                return Fail(OfflineValidationFailure.AudienceInvalid,
                    $"token audiences [{Quote(tokenAudiences)}] is invalid for the target audiences [{Quote(expected)}].");
            }
        }

        // 4. Lifetime with leeway (go-jose jwt.Claims.ValidateWithLeeway: exp, nbf, iat).
        var now = clock.GetUtcNow();
        if (inspected.ExpiresAt is null && !inspected.IsLegacy)
        {
            return Fail(OfflineValidationFailure.NoExpiration, "the token has no expiry (exp) and is not a legacy Secret-based token.");
        }
        if (inspected.ExpiresAt is { } exp && now - clockSkew > exp)
        {
            return Fail(OfflineValidationFailure.Expired, $"the token expired at {exp.UtcDateTime:u}.");
        }
        if (inspected.NotBefore is { } nbf && now + clockSkew < nbf)
        {
            return Fail(OfflineValidationFailure.NotYetValid, $"the token is not valid before {nbf.UtcDateTime:u}.");
        }
        if (inspected.IssuedAt is { } iat && now + clockSkew < iat)
        {
            return Fail(OfflineValidationFailure.NotYetValid, $"the token was issued in the future ({iat.UtcDateTime:u}).");
        }

        return new OfflineValidationResult(inspected, OfflineValidationFailure.None, null, audiences, limitations, keys.Issuer, keys.Source);
    }

    /// <summary>What only the API server can know about this token.</summary>
    private static IReadOnlyList<string> LimitationsFor(InspectedToken token)
    {
        var list = new List<string>
        {
            "Offline validation cannot tell whether the ServiceAccount still exists with the uid in the token (deleting or recreating it invalidates the token).",
        };
        if (token.BoundObject is { } bound)
        {
            list.Add($"Offline validation cannot tell whether the bound {bound.Kind} '{bound.Name}' still exists{(bound.Uid is null ? "" : " with uid " + bound.Uid)} (deleting it invalidates the token).");
        }
        if (token.IsLegacy)
        {
            list.Add($"Offline validation cannot tell whether the legacy token's Secret{(token.LegacySecretName is null ? "" : " '" + token.LegacySecretName + "'")} still exists or was invalidated with the kubernetes.io/legacy-token-invalid-since label.");
        }
        return list;
    }

    private static string Quote(IEnumerable<string> values) => string.Join(",", values.Select(v => "\"" + v + "\""));
}
