using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox.Storage;
using static KubeSandbox.Scenarios.ScenarioBuilder;

namespace KubeSandbox.Scenarios;

/// <summary>
/// The held-out estate for Invoke-K8sServiceAccountAudit (on top of bootstrap): namespaces audit-* with a known
/// violation of every check SA01..SA12 and, beside each, a near miss that must NOT be reported. Cluster-scoped
/// objects are named audit-*. <see cref="Expected"/> lists exactly what the audit must find in audit-* (and the
/// cluster-scoped findings that concern every namespace); tests compare with it.
/// <list type="bullet">
/// <item>audit-apps: default SA automounts (SA01); a bare pod on default with a token (SA02, SA03) and one with
/// automount off (SA03 only); a bare pod and a Deployment's pod on ServiceAccounts without permissions (SA02); a ServiceAccount used by a
/// Deployment and a StatefulSet (SA05) next to one used by a Deployment through two ReplicaSets (not SA05);
/// projected tokens: no audience (SA08, and SA02 as the API server accepts it), 7200 s (SA08), audience vault and
/// 600 s with automount off (nothing).</item>
/// <item>audit-legacy: default bound to a pod reader (SA04); a ServiceAccount reading secrets that no pod uses
/// (SA06 High, SA10); legacy tokens unused, mounted (High) and invalidated (SA07); an idle ServiceAccount
/// without permissions (not SA10).</item>
/// <item>audit-cloud: AWS keys, an AWS credentials file, an Azure client secret, a GCP key file (SA09); a config
/// with a region and a client id, a JSON of another type, a TLS Secret (not SA09).</item>
/// <item>audit-rbac: bindings to ServiceAccounts that do not exist, by ServiceAccount and by User subject, and a
/// ClusterRoleBinding (SA11); a binding to the namespace's ServiceAccount group (SA12, and SA04 for its default);
/// ClusterRoleBindings to system:unauthenticated and system:authenticated (SA12) beside a copy of the default
/// system:discovery binding (not SA12); a binding of an existing ServiceAccount to a missing Role (nothing).</item>
/// <item>audit-risky: cluster-admin (SA06 Critical), admin in the namespace (SA06 High), view (not SA06).</item>
/// </list>
/// </summary>
public static class AuditScenario
{
    /// <summary>One expected finding: check, kind, namespace, name, ServiceAccount, severity.</summary>
    public sealed record Finding(string CheckId, string Kind, string Namespace, string Name, string ServiceAccount, string Severity);

    /// <summary>Cloud secret values planted in audit-cloud: no output of the audit may contain any of them.</summary>
    public static readonly IReadOnlyList<string> PlantedSecretValues = new[]
    {
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "Zx8Q~azure-client-secret-EXAMPLE", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7EXAMPLE", "0123456789abcdef0123456789abcdef01234567",
    };

    public static readonly IReadOnlyList<Finding> Expected = new Finding[]
    {
        new("SA01", "ServiceAccount", "audit-apps", "default", "default", "Medium"),
        new("SA02", "Pod", "audit-apps", "bare-report", "default", "Low"),
        new("SA02", "Pod", "audit-apps", "static-site", "static", "Low"),
        new("SA02", "Pod", "audit-apps", "api-noaud", "nopriv2", "Low"),
        new("SA02", "Pod", "audit-apps", "landing-9d8c7b6a5f-h3j6n", "landing", "Low"),
        new("SA03", "Pod", "audit-apps", "bare-report", "default", "Low"),
        new("SA03", "Pod", "audit-apps", "quiet", "default", "Low"),
        new("SA04", "ServiceAccount", "audit-legacy", "default", "default", "High"),
        new("SA04", "ServiceAccount", "audit-rbac", "default", "default", "High"),
        new("SA05", "ServiceAccount", "audit-apps", "shared", "shared", "Low"),
        new("SA06", "ServiceAccount", "audit-legacy", "old", "old", "High"),
        new("SA06", "ServiceAccount", "audit-risky", "deployer", "deployer", "Critical"),
        new("SA06", "ServiceAccount", "audit-risky", "ns-admin", "ns-admin", "High"),
        new("SA07", "Secret", "audit-legacy", "old-unused-token", "old", "Medium"),
        new("SA07", "Secret", "audit-legacy", "in-use-token", "tokenuser", "High"),
        new("SA07", "Secret", "audit-legacy", "invalid-token", "idle", "Medium"),
        new("SA08", "Pod", "audit-apps", "api-noaud", "nopriv2", "Low"),
        new("SA08", "Pod", "audit-apps", "long-token", "reporter", "Low"),
        new("SA09", "Secret", "audit-cloud", "aws-creds", "", "High"),
        new("SA09", "Secret", "audit-cloud", "aws-config-file", "", "High"),
        new("SA09", "Secret", "audit-cloud", "azure-sp", "", "High"),
        new("SA09", "Secret", "audit-cloud", "gcp-key", "", "High"),
        new("SA10", "ServiceAccount", "audit-legacy", "old", "old", "Medium"),
        new("SA11", "RoleBinding", "audit-rbac", "audit-ghost-binding", "ghost", "High"),
        new("SA11", "RoleBinding", "audit-rbac", "audit-user-ghost", "spectre", "High"),
        new("SA11", "ClusterRoleBinding", "", "audit-ghost-crb", "audit-rbac/phantom", "High"),
        new("SA12", "RoleBinding", "audit-rbac", "audit-ns-group", "", "High"),
        new("SA12", "ClusterRoleBinding", "", "audit-unauth-status", "", "High"),
        new("SA12", "ClusterRoleBinding", "", "audit-authenticated-future", "", "High"),
    };

    public static void Load(ScenarioBuilder b)
    {
        var today = DateTime.UtcNow.Date;
        foreach (var ns in new[] { "audit-apps", "audit-legacy", "audit-cloud", "audit-rbac", "audit-risky" })
        {
            b.Namespace(ns, new JsonObject { ["audit"] = "held-out" });
            if (ns != "audit-apps") b.Store.Mutate("serviceaccounts", ns, "default", sa => sa["automountServiceAccountToken"] = false);
        }

        // --- audit-apps
        foreach (var sa in new[] { "web", "static", "nopriv", "nopriv2", "shared", "reporter", "landing" }) b.ServiceAccount("audit-apps", sa);
        b.Role("audit-apps", "config-reader", Rule(new[] { "" }, new[] { "configmaps" }, new[] { "get", "list", "watch" }));
        b.RoleBinding("audit-apps", "app-config-readers", "Role", "config-reader",
            SaSubject("audit-apps", "web"), SaSubject("audit-apps", "shared"), SaSubject("audit-apps", "reporter"));
        var web = b.Workload("deployments", "audit-apps", "web", "web", new JsonObject { ["app"] = "web" });
        ReplicaSetPod(b, web, "web", "5d8f7c6b9a", "q2x7z");   // the ReplicaSet of the previous rollout...
        ReplicaSetPod(b, web, "web", "7b9c4d2f6e", "m4k8p");   // ...and the current one: still one workload
        var api = b.Workload("deployments", "audit-apps", "api", "shared", new JsonObject { ["app"] = "api" });
        ReplicaSetPod(b, api, "shared", "6c7d8e9f4b", "t5v9w");
        var worker = b.Workload("statefulsets", "audit-apps", "worker", "shared", new JsonObject { ["app"] = "worker" },
            new JsonObject { ["serviceName"] = "worker" });
        b.Pod("audit-apps", "worker-0", "shared", ownerReferences: new JsonArray(ControllerReference(worker)), labels: new JsonObject { ["app"] = "worker" });
        var landing = b.Workload("deployments", "audit-apps", "landing", "landing", new JsonObject { ["app"] = "landing" });
        ReplicaSetPod(b, landing, "landing", "9d8c7b6a5f", "h3j6n");   // SA02 through a Deployment: WorkloadKind/WorkloadName
        b.Pod("audit-apps", "bare-report", null);
        b.Pod("audit-apps", "quiet", null, automount: false);
        b.Pod("audit-apps", "static-site", "static");
        b.Pod("audit-apps", "api-audience", "nopriv", automount: false, volumes: TokenVolume("vault-token", "vault", 600));
        b.Pod("audit-apps", "api-noaud", "nopriv2", automount: false, volumes: TokenVolume("api-token", null, 3600));
        b.Pod("audit-apps", "long-token", "reporter", volumes: TokenVolume("vault-token", "vault", 7200));

        // --- audit-legacy
        foreach (var sa in new[] { "old", "idle", "tokenuser" }) b.ServiceAccount("audit-legacy", sa);
        b.Role("audit-legacy", "pod-reader", Rule(new[] { "" }, new[] { "pods" }, new[] { "get", "list" }));
        b.Role("audit-legacy", "secret-reader", Rule(new[] { "" }, new[] { "secrets" }, new[] { "get", "list" }));
        b.RoleBinding("audit-legacy", "default-pod-reader", "Role", "pod-reader", SaSubject("audit-legacy", "default"));
        b.RoleBinding("audit-legacy", "old-secrets", "Role", "secret-reader", SaSubject("audit-legacy", "old"));
        b.LegacyTokenSecret("audit-legacy", "old-unused-token", "old");
        b.LegacyTokenSecret("audit-legacy", "in-use-token", "tokenuser");
        b.LegacyTokenSecret("audit-legacy", "invalid-token", "idle", new JsonObject
        {
            ["kubernetes.io/legacy-token-invalid-since"] = today.AddDays(-10).ToString("yyyy-MM-dd"),
        });
        b.Pod("audit-legacy", "token-user", "tokenuser", automount: false, volumes: new JsonArray(new JsonObject
        {
            ["name"] = "legacy", ["secret"] = new JsonObject { ["secretName"] = "in-use-token" },
        }));

        // --- audit-cloud (the values are AWS's documented example keys and made-up strings)
        Secret(b, "audit-cloud", "aws-creds", ("AWS_ACCESS_KEY_ID", PlantedSecretValues[0]), ("AWS_SECRET_ACCESS_KEY", PlantedSecretValues[1]));
        Secret(b, "audit-cloud", "aws-config-file", ("credentials",
            $"[default]\naws_access_key_id = {PlantedSecretValues[2]}\naws_secret_access_key = {PlantedSecretValues[3]}\n"));
        Secret(b, "audit-cloud", "azure-sp", ("clientSecret", PlantedSecretValues[4]), ("clientId", "11111111-2222-3333-4444-555555555555"));
        Secret(b, "audit-cloud", "gcp-key", ("key.json",
            "{\"type\": \"service_account\", \"project_id\": \"audit\", \"private_key_id\": \"" + PlantedSecretValues[6] + "\", " +
            "\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n" + PlantedSecretValues[5] + "\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"x@audit.iam.gserviceaccount.com\"}"));
        Secret(b, "audit-cloud", "app-config", ("AWS_REGION", "eu-west-1"), ("client_id", "web-frontend"), ("note", "AKIA-is-how-aws-keys-start"));
        Secret(b, "audit-cloud", "json-other", ("settings.json", "{\"type\": \"authorized_user\", \"refresh_token_ref\": \"vault:kv/x\"}"));
        Secret(b, "audit-cloud", "tls-cert", "kubernetes.io/tls", ("tls.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), ("tls.key", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"));

        // --- audit-rbac
        b.ServiceAccount("audit-rbac", "real");
        b.Pod("audit-rbac", "real-pod", "real", automount: false);
        b.Role("audit-rbac", "pod-reader", Rule(new[] { "" }, new[] { "pods" }, new[] { "get" }));
        b.RoleBinding("audit-rbac", "audit-ghost-binding", "Role", "pod-reader", SaSubject("audit-rbac", "ghost"));
        b.RoleBinding("audit-rbac", "audit-user-ghost", "Role", "pod-reader", UserSubject("system:serviceaccount:audit-rbac:spectre"));
        b.RoleBinding("audit-rbac", "audit-real", "Role", "does-not-exist", SaSubject("audit-rbac", "real"));
        b.RoleBinding("audit-rbac", "audit-ns-group", "ClusterRole", "view", GroupSubject("system:serviceaccounts:audit-rbac"));
        b.ClusterRoleBinding("audit-ghost-crb", "view", SaSubject("audit-rbac", "phantom"));
        var status = new JsonObject { ["verbs"] = Array("get"), ["nonResourceURLs"] = Array("/healthz", "/readyz") };
        b.ClusterRole("audit-status-reader", null, status);
        b.ClusterRoleBinding("audit-unauth-status", "audit-status-reader", GroupSubject("system:unauthenticated"));
        b.ClusterRoleBinding("audit-authenticated-future", "audit-future-role", GroupSubject("system:authenticated"));
        b.ClusterRoleBinding("audit-copy-of-discovery", "system:discovery", GroupSubject("system:authenticated"));

        // --- audit-risky
        foreach (var sa in new[] { "deployer", "ns-admin", "viewer" }) b.ServiceAccount("audit-risky", sa);
        b.ClusterRoleBinding("audit-deployer-admin", "cluster-admin", SaSubject("audit-risky", "deployer"));
        b.RoleBinding("audit-risky", "ns-admin-binding", "ClusterRole", "admin", SaSubject("audit-risky", "ns-admin"));
        b.RoleBinding("audit-risky", "viewer-binding", "ClusterRole", "view", SaSubject("audit-risky", "viewer"));
        var deployer = b.Workload("deployments", "audit-risky", "deployer", "deployer", new JsonObject { ["app"] = "deployer" });
        ReplicaSetPod(b, deployer, "deployer", "8f9a7b6c5d", "r7t2k");
        b.Pod("audit-risky", "ns-admin-pod", "ns-admin", automount: false);
        b.Pod("audit-risky", "viewer-pod", "viewer", automount: false);
    }

    /// <summary>A ReplicaSet of the Deployment (named as the deployment controller names them) and one pod of it.</summary>
    private static void ReplicaSetPod(ScenarioBuilder b, StoredObject deployment, string sa, string hash, string suffix)
    {
        var app = deployment.Name;
        var labels = new JsonObject { ["app"] = app, ["pod-template-hash"] = hash };
        var rs = b.Workload("replicasets", deployment.Namespace!, $"{app}-{hash}", sa, labels, labels: (JsonObject)labels.DeepClone(),
            ownerReferences: new JsonArray(ControllerReference(deployment)));
        b.Pod(deployment.Namespace!, $"{rs.Name}-{suffix}", sa, ownerReferences: new JsonArray(ControllerReference(rs)), labels: (JsonObject)labels.DeepClone());
    }

    private static JsonArray TokenVolume(string name, string? audience, int expirationSeconds)
    {
        var token = new JsonObject { ["path"] = "token", ["expirationSeconds"] = expirationSeconds };
        if (audience is not null) token["audience"] = audience;
        return new JsonArray(new JsonObject
        {
            ["name"] = name,
            ["projected"] = new JsonObject { ["sources"] = new JsonArray(new JsonObject { ["serviceAccountToken"] = token }) },
        });
    }

    private static void Secret(ScenarioBuilder b, string ns, string name, params (string Key, string Value)[] data) =>
        Secret(b, ns, name, "Opaque", data);

    private static void Secret(ScenarioBuilder b, string ns, string name, string type, params (string Key, string Value)[] data)
    {
        var values = new JsonObject();
        foreach (var (key, value) in data) values[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        b.Create("secrets", ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["type"] = type, ["data"] = values });
    }
}
