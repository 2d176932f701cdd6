namespace KubeSandbox.Security;

/// <summary>The kube-apiserver flags the security side emulates.</summary>
public sealed class SecurityOptions
{
    /// <summary>The API server's own audience and issuer (<c>--service-account-issuer</c>,
    /// <c>--api-audiences</c> default to it), as on a kubeadm cluster.</summary>
    public const string DefaultIssuer = "https://kubernetes.default.svc.cluster.local";

    /// <summary>The issuer of secret-based (legacy) tokens (pkg/serviceaccount/legacy.go LegacyIssuer).</summary>
    public const string LegacyIssuer = "kubernetes/serviceaccount";

    public string Issuer { get; init; } = DefaultIssuer;

    /// <summary><c>--api-audiences</c>: the audiences a token with none is checked against.</summary>
    public IReadOnlyList<string> ApiAudiences { get; init; } = new[] { DefaultIssuer };

    /// <summary><c>--service-account-max-token-expiration</c> in seconds; 0 means no maximum (the recorded server).</summary>
    public long MaxTokenExpirationSeconds { get; init; }

    /// <summary><c>--service-account-extend-token-expiration</c> (default true): a pod-bound API-audience
    /// TokenRequest for exactly 3607 s gets a one-year <c>exp</c> and a <c>warnafter</c> claim.</summary>
    public bool ExtendTokenExpiration { get; init; } = true;

    /// <summary>The static admin token (a <c>--token-auth-file</c> line for user sandbox-admin, group system:masters).</summary>
    public string AdminToken { get; init; } = "sandbox-admin-token";

    /// <summary>The public address the OIDC discovery document names in <c>jwks_uri</c> (the sandbox's URL).</summary>
    public string? ExternalAddress { get; set; }

    /// <summary>The release whose token behaviour applies (jti and credential id, node claims, Node binding,
    /// the legacy token clean-up); see <see cref="KubernetesRelease"/>.</summary>
    public KubernetesRelease Release { get; init; } = KubernetesRelease.Parse(KubernetesRelease.Default);

    /// <summary>The signing key's algorithm when the services make the key (RS256, ES256, ES384, ES512).</summary>
    public string SigningAlgorithm { get; init; } = "RS256";

    /// <summary>The cluster CA the legacy token controller writes into <c>ca.crt</c>.</summary>
    public string CaCertificatePem { get; set; } = "";
}
