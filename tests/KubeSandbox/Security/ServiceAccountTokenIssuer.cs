using System.Text.Json.Nodes;

namespace KubeSandbox.Security;

/// <summary>
/// Mints service-account JWTs as kube-apiserver does: bound tokens with the claims of pkg/serviceaccount/claims.go
/// (Claims) and legacy secret tokens with those of LegacyClaims, signed RS256 with the sandbox key, <c>kid</c> in
/// the header. Bound tokens carry a random <c>jti</c> from 1.32 (<see cref="KubernetesRelease.TokensCarryJti"/>);
/// the recorded v1.26 server issued none, so a 1.26 sandbox matches the recording.
/// </summary>
public sealed class ServiceAccountTokenIssuer
{
    private readonly ServiceAccountSigningKey _key;
    private readonly SecurityOptions _options;

    public ServiceAccountTokenIssuer(ServiceAccountSigningKey key, SecurityOptions options)
    {
        _key = key;
        _options = options;
    }

    /// <summary>A bound token (TokenRequest). <paramref name="boundPod"/>, <paramref name="boundSecret"/> and
    /// <paramref name="boundNode"/> are the objects the token is bound to (pod wins over secret, as in claims.go;
    /// a pod's node rides along); <paramref name="warnAfterSeconds"/> is 0 unless the expiration was extended.</summary>
    public string IssueBound(
        JsonObject serviceAccount,
        JsonObject? boundPod,
        JsonObject? boundSecret,
        JsonObject? boundNode,
        long expirationSeconds,
        long warnAfterSeconds,
        IReadOnlyList<string> audiences,
        DateTimeOffset now)
    {
        var iat = now.ToUnixTimeSeconds();
        var ns = Str(serviceAccount["metadata"]?["namespace"]);
        var kio = new JsonObject { ["namespace"] = ns };
        if (boundNode is not null && (boundPod is not null || boundSecret is null))
        {
            kio["node"] = Ref(boundNode);
        }
        if (boundPod is not null)
        {
            kio["pod"] = Ref(boundPod);
        }
        else if (boundSecret is not null)
        {
            kio["secret"] = Ref(boundSecret);
        }
        kio["serviceaccount"] = Ref(serviceAccount);
        if (warnAfterSeconds != 0)
        {
            kio["warnafter"] = iat + warnAfterSeconds;
        }
        // Key order as go-jose writes it (claims merged through a map: alphabetical).
        var claims = new JsonObject
        {
            ["aud"] = KubeObject.ToArray(audiences),
            ["exp"] = iat + expirationSeconds,
            ["iat"] = iat,
            ["iss"] = _options.Issuer,
        };
        if (_options.Release.TokensCarryJti)
        {
            // claims.go: ID: string(uuid.NewUUID()) under ServiceAccountTokenJTI.
            claims["jti"] = Guid.NewGuid().ToString();
        }
        claims["kubernetes.io"] = kio;
        claims["nbf"] = iat;
        claims["sub"] = ServiceAccountUser.Username(ns, KubeObject.Name(serviceAccount));
        return CompactJws.Sign(_key, claims);
    }

    /// <summary>A legacy token for a <c>kubernetes.io/service-account-token</c> Secret, as the tokens controller
    /// writes it (pkg/serviceaccount/legacy.go LegacyClaims): no audience, no expiry.</summary>
    public string IssueLegacy(JsonObject serviceAccount, string secretName)
    {
        var ns = Str(serviceAccount["metadata"]?["namespace"]);
        var name = KubeObject.Name(serviceAccount);
        var claims = new JsonObject
        {
            ["iss"] = SecurityOptions.LegacyIssuer,
            ["kubernetes.io/serviceaccount/namespace"] = ns,
            ["kubernetes.io/serviceaccount/secret.name"] = secretName,
            ["kubernetes.io/serviceaccount/service-account.name"] = name,
            ["kubernetes.io/serviceaccount/service-account.uid"] = KubeObject.Uid(serviceAccount),
            ["sub"] = ServiceAccountUser.Username(ns, name),
        };
        return CompactJws.Sign(_key, claims);
    }

    private static JsonObject Ref(JsonObject o) => new() { ["name"] = KubeObject.Name(o), ["uid"] = KubeObject.Uid(o) };

    private static string Str(JsonNode? n) => KubeObject.Str(n) ?? "";
}

/// <summary>Service-account user names and groups (k8s.io/apiserver pkg/authentication/serviceaccount/util.go).</summary>
public static class ServiceAccountUser
{
    public const string Prefix = "system:serviceaccount:";
    public const string AllServiceAccountsGroup = "system:serviceaccounts";
    public const string Authenticated = "system:authenticated";
    public const string Unauthenticated = "system:unauthenticated";
    public const string Anonymous = "system:anonymous";
    public const string Masters = "system:masters";
    public const string PodNameKey = "authentication.kubernetes.io/pod-name";
    public const string PodUidKey = "authentication.kubernetes.io/pod-uid";
    public const string NodeNameKey = "authentication.kubernetes.io/node-name";
    public const string NodeUidKey = "authentication.kubernetes.io/node-uid";
    public const string CredentialIdKey = "authentication.kubernetes.io/credential-id";

    public static string Username(string ns, string name) => Prefix + ns + ":" + name;

    /// <summary>MakeGroupNames: the two service-account groups (system:authenticated is added by the server's
    /// authenticated-group wrapper, after these).</summary>
    public static string[] Groups(string ns) => new[] { AllServiceAccountsGroup, AllServiceAccountsGroup + ":" + ns };

    /// <summary>SplitUsername: (namespace, name) of a service-account user name, or null.</summary>
    public static (string Namespace, string Name)? Split(string username)
    {
        if (!username.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var parts = username[Prefix.Length..].Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return null;
        }
        return (parts[0], parts[1]);
    }
}
