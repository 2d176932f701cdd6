using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Storage;

namespace KubeSandbox.Security;

/// <summary>
/// Bearer-token authentication as kube-apiserver does it with a static token file and the service-account
/// authenticators: the admin token, bound tokens (pkg/serviceaccount/jwt.go + claims.go validator) and legacy
/// secret tokens (pkg/serviceaccount/legacy.go). Objects are read from the store on every call, so deleting a
/// ServiceAccount, Pod or Secret invalidates its tokens at once (the real server caches successes for 10 s;
/// the issue asks for no such window).
/// </summary>
public sealed class TokenAuthenticator : IAuthenticator
{
    /// <summary>bearertoken.go's default error when no authenticator recognised the token.</summary>
    public const string InvalidBearerToken = "invalid bearer token";
    public const string InvalidSinceLabel = "kubernetes.io/legacy-token-invalid-since";
    public const string LastUsedLabel = "kubernetes.io/legacy-token-last-used";

    /// <summary>go-jose's jwt.DefaultLeeway, which claims.go allows on exp, nbf and iat.</summary>
    private static readonly TimeSpan Leeway = TimeSpan.FromMinutes(1);

    private readonly IObjectStore _store;
    private readonly IReadOnlyList<ServiceAccountSigningKey> _keys;
    private readonly SecurityOptions _options;
    private readonly TimeProvider _clock;

    public TokenAuthenticator(IObjectStore store, IReadOnlyList<ServiceAccountSigningKey> keys, SecurityOptions options, TimeProvider clock)
    {
        _store = store;
        _keys = keys;
        _options = options;
        _clock = clock;
    }

    public static UserInfo AdminUser { get; } = new(
        "sandbox-admin", "", new[] { ServiceAccountUser.Masters, ServiceAccountUser.Authenticated },
        new Dictionary<string, IReadOnlyList<string>>());

    public AuthenticationResult Authenticate(string token, IReadOnlyList<string> audiences)
    {
        var requested = audiences.Count > 0 ? audiences : _options.ApiAudiences;
        if (token.Length > 0 && token == _options.AdminToken)
        {
            // A token-file user is audience-agnostic (k8s.io/apiserver pkg/authentication/authenticator/audiences.go
            // WrapAudienceAgnosticToken): valid for the API audiences only, and then for those the caller asked.
            var apiAudiences = requested.Where(_options.ApiAudiences.Contains).ToList();
            return apiAudiences.Count > 0 ? new AuthenticationResult(AdminUser, apiAudiences, null) : Unrecognised();
        }

        // jwt.go hasCorrectIssuer: a token whose issuer is not ours is simply not recognised (no error).
        var unverified = CompactJws.UnverifiedClaims(token);
        var issuer = unverified is null ? null : KubeObject.Str(unverified["iss"]);
        var legacy = issuer == SecurityOptions.LegacyIssuer;
        if (issuer is null || (!legacy && issuer != _options.Issuer))
        {
            return Unrecognised();
        }
        var parsed = CompactJws.TryParse(token);
        if (parsed is null)
        {
            return Unrecognised();
        }
        if (!parsed.VerifiedBy(_keys))
        {
            return Failed(CompactJws.CryptoFailure);
        }
        var claims = parsed.Claims;

        var tokenAudiences = AudiencesOf(claims["aud"]);
        if (tokenAudiences.Count == 0)
        {
            // Only API-server audiences are implied for tokens without one (legacy tokens).
            tokenAudiences = _options.ApiAudiences.ToList();
        }
        // authenticator.Audiences.Intersect: the requested audiences the token carries, in requested order.
        var granted = requested.Where(tokenAudiences.Contains).ToList();
        if (granted.Count == 0)
        {
            return Failed($"token audiences {GoFormat.QuoteList(tokenAudiences)} is invalid for the target audiences {GoFormat.QuoteList(requested)}");
        }

        try
        {
            var user = legacy ? ValidateLegacy(token, claims) : ValidateBound(claims);
            return new AuthenticationResult(user, granted, null);
        }
        catch (TokenInvalidException e)
        {
            return Failed(e.Message);
        }
    }

    private static AuthenticationResult Unrecognised() => new(null, Array.Empty<string>(), InvalidBearerToken);

    /// <summary>The union of request authenticators reports both its default error and the validator's
    /// (records trv-forged-jwt, trv-api-token-aud-vault, trv-recreated-sa).</summary>
    private static AuthenticationResult Failed(string error) =>
        new(null, Array.Empty<string>(), GoFormat.Aggregate(new[] { InvalidBearerToken, error }));

    private static List<string> AudiencesOf(JsonNode? aud) => aud switch
    {
        JsonArray a => KubeObject.Strings(a),
        JsonValue v when KubeObject.Str(v) is { } s => new List<string> { s },
        _ => new List<string>(),
    };

    /// <summary>claims.go validator.Validate.</summary>
    private UserInfo ValidateBound(JsonObject claims)
    {
        var now = _clock.GetUtcNow();
        // go-jose Claims.ValidateWithLeeway: nbf, then exp, then iat.
        if (Seconds(claims["nbf"]) is { } nbf && now + Leeway < DateTimeOffset.FromUnixTimeSeconds(nbf))
        {
            throw new TokenInvalidException("service account token is not valid yet");
        }
        if (Seconds(claims["exp"]) is { } exp && now - Leeway > DateTimeOffset.FromUnixTimeSeconds(exp))
        {
            throw new TokenInvalidException("service account token has expired");
        }
        if (Seconds(claims["iat"]) is { } iat && now + Leeway < DateTimeOffset.FromUnixTimeSeconds(iat))
        {
            throw new TokenInvalidException("service account token is issued in the future");
        }

        var kio = claims["kubernetes.io"] as JsonObject;
        var ns = KubeObject.Str(kio?["namespace"]) ?? "";
        var saName = KubeObject.Str(kio?["serviceaccount"]?["name"]) ?? "";
        var saUid = KubeObject.Str(kio?["serviceaccount"]?["uid"]) ?? "";

        // Objects being deleted stay valid for the leeway after their deletionTimestamp.
        var invalidIfDeletedBefore = now - Leeway;
        var sa = Get("serviceaccounts", ns, saName)
            ?? throw new TokenInvalidException($"serviceaccounts {GoFormat.Quote(saName)} not found");
        if (DeletedBefore(sa, invalidIfDeletedBefore))
        {
            throw new TokenInvalidException($"service account {ns}/{saName} has been deleted");
        }
        if (KubeObject.Uid(sa) != saUid)
        {
            throw new TokenInvalidException($"service account UID ({KubeObject.Uid(sa)}) does not match claim ({saUid})");
        }

        if (kio?["secret"] is JsonObject secretRef)
        {
            var secretName = KubeObject.Str(secretRef["name"]) ?? "";
            var secret = Get("secrets", ns, secretName);
            if (secret is null || DeletedBefore(secret, invalidIfDeletedBefore))
            {
                throw new TokenInvalidException("service account token has been invalidated");
            }
            var claimUid = KubeObject.Str(secretRef["uid"]) ?? "";
            if (KubeObject.Uid(secret) != claimUid)
            {
                throw new TokenInvalidException($"secret UID ({KubeObject.Uid(secret)}) does not match service account secret ref claim ({claimUid})");
            }
        }

        var extra = new Dictionary<string, IReadOnlyList<string>>();
        if (kio?["pod"] is JsonObject podRef)
        {
            var podName = KubeObject.Str(podRef["name"]) ?? "";
            var pod = Get("pods", ns, podName);
            if (pod is null || DeletedBefore(pod, invalidIfDeletedBefore))
            {
                throw new TokenInvalidException("service account token has been invalidated");
            }
            var claimUid = KubeObject.Str(podRef["uid"]) ?? "";
            if (KubeObject.Uid(pod) != claimUid)
            {
                throw new TokenInvalidException($"pod UID ({KubeObject.Uid(pod)}) does not match service account pod ref claim ({claimUid})");
            }
            extra[ServiceAccountUser.PodNameKey] = new[] { podName };
            extra[ServiceAccountUser.PodUidKey] = new[] { claimUid };
            if (kio["node"] is JsonObject podNode)
            {
                // A pod-bound token's node claims are taken as they are (ServiceAccountTokenPodNodeInfo).
                AddNodeExtra(extra, podNode);
            }
        }
        else if (kio?["node"] is JsonObject nodeRef)
        {
            var nodeName = KubeObject.Str(nodeRef["name"]) ?? "";
            var node = Get("nodes", null, nodeName);
            if (node is null || DeletedBefore(node, invalidIfDeletedBefore))
            {
                throw new TokenInvalidException("service account token has been invalidated");
            }
            var claimUid = KubeObject.Str(nodeRef["uid"]) ?? "";
            if (KubeObject.Uid(node) != claimUid)
            {
                throw new TokenInvalidException($"node UID ({KubeObject.Uid(node)}) does not match service account node ref claim ({claimUid})");
            }
            AddNodeExtra(extra, nodeRef);
        }

        // ServiceAccountTokenJTI: the token's id becomes the credential id (util.go CredentialIDForJTI).
        if (_options.Release.TokensCarryJti && KubeObject.Str(claims["jti"]) is { Length: > 0 } jti)
        {
            extra[ServiceAccountUser.CredentialIdKey] = new[] { "JTI=" + jti };
        }
        return ServiceAccountUserInfo(ns, saName, saUid, extra);
    }

    private static void AddNodeExtra(Dictionary<string, IReadOnlyList<string>> extra, JsonObject nodeRef)
    {
        if (KubeObject.Str(nodeRef["name"]) is { Length: > 0 } name)
        {
            extra[ServiceAccountUser.NodeNameKey] = new[] { name };
            if (KubeObject.Str(nodeRef["uid"]) is { Length: > 0 } uid)
            {
                extra[ServiceAccountUser.NodeUidKey] = new[] { uid };
            }
        }
    }

    /// <summary>legacy.go legacyValidator.Validate, as current releases run it (invalid-since label honoured,
    /// last-used label stamped at most once a day).</summary>
    private UserInfo ValidateLegacy(string token, JsonObject claims)
    {
        var sub = KubeObject.Str(claims["sub"]) ?? "";
        var ns = KubeObject.Str(claims["kubernetes.io/serviceaccount/namespace"]) ?? "";
        var secretName = KubeObject.Str(claims["kubernetes.io/serviceaccount/secret.name"]) ?? "";
        var saName = KubeObject.Str(claims["kubernetes.io/serviceaccount/service-account.name"]) ?? "";
        var saUid = KubeObject.Str(claims["kubernetes.io/serviceaccount/service-account.uid"]) ?? "";
        if (sub.Length == 0) throw new TokenInvalidException("sub claim is missing");
        if (ns.Length == 0) throw new TokenInvalidException("namespace claim is missing");
        if (secretName.Length == 0) throw new TokenInvalidException("secretName claim is missing");
        if (saName.Length == 0) throw new TokenInvalidException("serviceAccountName claim is missing");
        if (saUid.Length == 0) throw new TokenInvalidException("serviceAccountUID claim is missing");
        if (ServiceAccountUser.Split(sub) is not { } subject || subject.Namespace != ns || subject.Name != saName)
        {
            throw new TokenInvalidException("sub claim is invalid");
        }

        var secret = Get("secrets", ns, secretName);
        if (secret is null || secret["metadata"]?["deletionTimestamp"] is not null)
        {
            throw new TokenInvalidException("Token has been invalidated");
        }
        var stored = KubeObject.Str(secret["data"]?["token"]);
        var storedToken = stored is null ? null : TryBase64(stored);
        if (storedToken != token)
        {
            throw new TokenInvalidException("Token does not match server's copy");
        }
        var sa = Get("serviceaccounts", ns, saName)
            ?? throw new TokenInvalidException($"serviceaccounts {GoFormat.Quote(saName)} not found");
        if (sa["metadata"]?["deletionTimestamp"] is not null)
        {
            throw new TokenInvalidException($"ServiceAccount {ns}/{saName} has been deleted");
        }
        if (KubeObject.Uid(sa) != saUid)
        {
            throw new TokenInvalidException($"ServiceAccount UID ({KubeObject.Uid(sa)}) does not match claim ({saUid})");
        }
        if (KubeObject.Label(secret, InvalidSinceLabel) is { Length: > 0 })
        {
            StampLastUsed(secret);
            throw new TokenInvalidException(
                $"the token in secret {ns}/{secretName} for service account {ns}/{saName} has been marked invalid. " +
                "Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the " +
                $"'{InvalidSinceLabel}' label from the secret to temporarily allow use of this token");
        }
        StampLastUsed(secret);
        return ServiceAccountUserInfo(ns, saName, saUid, new Dictionary<string, IReadOnlyList<string>>());
    }

    /// <summary>legacy.go patchSecretWithLastUsedDate: today's UTC date, unless today or tomorrow is already there.</summary>
    private void StampLastUsed(JsonObject secret)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var today = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var tomorrow = now.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var lastUsed = KubeObject.Label(secret, LastUsedLabel);
        if (lastUsed == today || lastUsed == tomorrow)
        {
            return;
        }
        var ns = KubeObject.Str(secret["metadata"]?["namespace"]);
        try
        {
            _store.Mutate("secrets", ns, KubeObject.Name(secret), s =>
            {
                var metadata = (JsonObject)s["metadata"]!;
                if (metadata["labels"] is not JsonObject labels)
                {
                    labels = new JsonObject();
                    metadata["labels"] = labels;
                }
                labels[LastUsedLabel] = today;
            });
        }
        catch (Api.ApiException)
        {
            // The real server logs a failed patch and still authenticates.
        }
    }

    private static UserInfo ServiceAccountUserInfo(string ns, string name, string uid, Dictionary<string, IReadOnlyList<string>> extra) =>
        new(ServiceAccountUser.Username(ns, name), uid,
            ServiceAccountUser.Groups(ns).Append(ServiceAccountUser.Authenticated).ToArray(), extra);

    private JsonObject? Get(string resource, string? ns, string name)
    {
        if (name.Length == 0)
        {
            return null;
        }
        try
        {
            return _store.Get(resource, ns, name);
        }
        catch (Exception e) when (e is Api.ApiException or ArgumentException or KeyNotFoundException)
        {
            return null; // gone, or a resource this store does not serve (the sandbox has no nodes)
        }
    }

    private static long? Seconds(JsonNode? node) => KubeObject.Long(node);

    private static bool DeletedBefore(JsonObject o, DateTimeOffset limit) =>
        KubeObject.Str(o["metadata"]?["deletionTimestamp"]) is { } t
        && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var deleted)
        && deleted < limit;

    private static string? TryBase64(string s)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(s));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed class TokenInvalidException(string message) : Exception(message);
}
