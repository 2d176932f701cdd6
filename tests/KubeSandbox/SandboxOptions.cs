namespace KubeSandbox;

/// <summary>How to start a sandbox. Every member has a default that gives the common test setup.</summary>
public sealed class SandboxOptions
{
    /// <summary>bootstrap | demo | scale | empty.</summary>
    public string Scenario { get; set; } = "bootstrap";

    /// <summary>
    /// The Kubernetes release the sandbox answers as: "1.33" (default) or "1.26" (what ../shared/k8s/recorded
    /// judges; the conformance test runs on it). Token claims, discovery, the default RBAC policy and the
    /// controllers follow it; every difference is listed in <see cref="KubernetesRelease"/>.
    /// </summary>
    public string KubernetesVersion { get; set; } = KubernetesRelease.Default;

    /// <summary>
    /// The release whose default RBAC policy the scenario seeds, when it should differ from
    /// <see cref="KubernetesVersion"/> (null, the default: the same release; see Scenarios/BootstrapPolicyRelease.cs).
    /// </summary>
    public string? PolicyRelease { get; set; }

    /// <summary>
    /// The ServiceAccount signing key's algorithm (<c>--signing-algorithm</c>): RS256 (default, a 2048-bit RSA key),
    /// ES256, ES384 or ES512 (an ECDSA P-256, P-384 or P-521 key), as kube-apiserver signs with the key it is
    /// given (pkg/serviceaccount/jwt.go signerFromRSAPrivateKey, signerFromECDSAPrivateKey).
    /// </summary>
    public string SigningAlgorithm { get; set; } = "RS256";

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Seed for everything random (uids, generated names, fault decisions): the same seed gives the same estate.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>The static admin bearer token (user sandbox-admin, group system:masters); null makes a random one.</summary>
    public string? AdminToken { get; set; }

    /// <summary>
    /// The address the server advertises as its own (discovery's serverAddressByClientCIDRs, the OIDC jwks_uri),
    /// as kube-apiserver's --advertise-address and --secure-port set it. Null means where the sandbox listens.
    /// The conformance test sets it to the recorded cluster's "127.0.0.1:16443".
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How long a list continue token stays valid (etcd's compaction window; 5 minutes on a default cluster).</summary>
    public TimeSpan ContinueTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>True (default): use the process-wide CA and serving certificate, so a start makes no RSA keys;
    /// false: a CA of its own.</summary>
    public bool SharedCertificateAuthority { get; set; } = true;

    /// <summary>Sizes of the scale scenario.</summary>
    public ScaleOptions Scale { get; set; } = new();

    /// <summary>The clock the sandbox starts with; null uses the real time (tests move it with <see cref="SandboxServer.Clock"/>).</summary>
    public DateTimeOffset? StartTime { get; set; }

    /// <summary><c>--service-account-max-token-expiration</c> in seconds: TokenRequests asking for more are capped
    /// silently (the caller reads status.expirationTimestamp). 0, the default, means no maximum.</summary>
    public long MaxTokenExpirationSeconds { get; set; }

    /// <summary>Extra service registrations, applied after the defaults (tests replace components here).</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? ConfigureServices { get; set; }
}

/// <summary>Sizes of the scale scenario (defaults: the size the benchmark uses).</summary>
public sealed class ScaleOptions
{
    public int Namespaces { get; set; } = 2000;
    public int ServiceAccounts { get; set; } = 20000;
    public int Pods { get; set; } = 40000;
    public int Roles { get; set; } = 8000;
    public int RoleBindings { get; set; } = 12000;
    public int ClusterRoles { get; set; } = 400;
    public int ClusterRoleBindings { get; set; } = 600;
    public int LegacySecrets { get; set; } = 3000;
}
