namespace KubeSandbox;

/// <summary>
/// The Kubernetes release the sandbox answers as (<see cref="SandboxOptions.KubernetesVersion"/>,
/// <c>--kubernetes-version</c>). Every behaviour that differs between the two releases the sandbox knows is a
/// member here, with the feature gate or change that decides it, so "what does 1.33 do differently" has one
/// answer; the default RBAC policy's differences live beside it in Scenarios/BootstrapPolicyRelease.cs.
/// <list type="bullet">
/// <item>1.26: what ../shared/k8s/recorded (a real v1.26.0 kube-apiserver) judges; the conformance replay runs on it.</item>
/// <item>1.33 (the default): current behaviour, each difference cited from kubernetes/kubernetes
/// (pkg/features/kube_features.go states the GA release of each gate).</item>
/// </list>
/// </summary>
public sealed class KubernetesRelease
{
    public const string Default = "1.33";

    /// <summary>The releases the sandbox can answer as.</summary>
    public static readonly IReadOnlyList<string> Known = new[] { "1.26", "1.33" };

    private KubernetesRelease(string version, int minor)
    {
        Version = version;
        Minor = minor;
    }

    public static KubernetesRelease V126 { get; } = new("1.26", 26);
    public static KubernetesRelease V133 { get; } = new("1.33", 33);

    /// <summary>"1.26" or "1.33" (also accepts "v1.33" and "1.33.1"); anything else is an ArgumentException
    /// naming the releases known.</summary>
    public static KubernetesRelease Parse(string? version)
    {
        var v = (version ?? Default).Trim().TrimStart('v', 'V');
        var parts = v.Split('.');
        var majorMinor = parts.Length >= 2 ? parts[0] + "." + parts[1] : v;
        return majorMinor switch
        {
            "1.26" => V126,
            "1.33" => V133,
            _ => throw new ArgumentException($"unknown Kubernetes version '{version}': use one of {string.Join(", ", Known)}"),
        };
    }

    /// <summary>"1.26" or "1.33".</summary>
    public string Version { get; }

    public int Minor { get; }

    /// <summary>The resource name of Discovery/Documents/version*.json this release serves at /version
    /// (1.26: the recorded document; 1.33: a v1.33 build's).</summary>
    public string VersionDocument => Minor >= 33 ? "version-1.33" : "version";

    /// <summary>ServiceAccountTokenJTI (beta 1.30, GA 1.32): bound tokens carry a random <c>jti</c>
    /// (pkg/serviceaccount/claims.go Claims: <c>ID: uuid</c>), and the authenticator reports it as the user's
    /// extra <c>authentication.kubernetes.io/credential-id</c> = <c>JTI=&lt;jti&gt;</c>
    /// (k8s.io/apiserver pkg/authentication/serviceaccount/util.go CredentialIDForJTI). The recorded v1.26
    /// server issued none.</summary>
    public bool TokensCarryJti => Minor >= 32;

    /// <summary>ServiceAccountTokenPodNodeInfo (beta 1.30, GA 1.32): a pod-bound token carries the node the pod
    /// is scheduled to (<c>kubernetes.io.node.name/uid</c>), and the user's extra gains
    /// <c>authentication.kubernetes.io/node-name</c> and <c>node-uid</c>
    /// (pkg/registry/core/serviceaccount/storage/token.go, pkg/serviceaccount/claims.go).</summary>
    public bool PodBoundTokensCarryNode => Minor >= 32;

    /// <summary>ServiceAccountTokenNodeBinding (alpha 1.29, beta 1.31, GA 1.33): a TokenRequest may bind to a
    /// Node (<c>boundObjectRef.kind: Node</c>); before, token.go answered 400 "cannot bind token to object of
    /// type /v1, Kind=Node".</summary>
    public bool NodeBoundTokens => Minor >= 33;

    /// <summary>SelfSubjectReview authentication.k8s.io/v1 (GA 1.28, KEP-3325; what <c>kubectl auth whoami</c>
    /// calls) is listed by discovery. The sandbox serves the endpoint on 1.26 too (see the README), but only 1.28+
    /// discovery lists it.</summary>
    public bool ListsSelfSubjectReview => Minor >= 28;

    /// <summary>LegacyServiceAccountTokenCleanUp (beta 1.29, GA 1.30): kube-controller-manager's
    /// legacy-service-account-token-cleaner labels an unused auto-generated token Secret
    /// <c>kubernetes.io/legacy-token-invalid-since</c> and deletes it a period later
    /// (pkg/controller/serviceaccount/legacy_serviceaccount_token_cleaner.go).</summary>
    public bool LegacyTokenCleanUp => Minor >= 30;

    /// <summary><c>--legacy-service-account-token-clean-up-period</c>: kube-controller-manager's default, one year
    /// (cmd/kube-controller-manager/app/options/serviceaccountcontroller.go).</summary>
    public TimeSpan LegacyTokenCleanUpPeriod => TimeSpan.FromDays(365);

    public override string ToString() => Version;
}
