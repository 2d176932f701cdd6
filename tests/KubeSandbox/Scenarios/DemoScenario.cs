using System.Text.Json.Nodes;
using KubeSandbox.Storage;
using static KubeSandbox.Scenarios.ScenarioBuilder;

namespace KubeSandbox.Scenarios;

/// <summary>
/// The demo estate (on top of bootstrap): what an audit of ServiceAccounts should find in a real cluster.
/// <list type="bullet">
/// <item>Workloads are stored objects: Deployment -> ReplicaSet -> Pod, StatefulSet, DaemonSet and CronJob -> Job -> Pod,
/// each ownerReference carrying the owner's uid (written by hand: no controller runs).</item>
/// <item>shop: dedicated SAs for frontend/backend (Deployments -> ReplicaSets -> Pods), a pod on the default SA
/// with the token automounted, and one with automount switched off in the pod spec.</item>
/// <item>payments: the default SA has automountServiceAccountToken: false; a StatefulSet pod on a dedicated SA with an
/// EKS role annotation; a legacy token Secret that is used (kubernetes.io/legacy-token-last-used).</item>
/// <item>legacy-apps: the over-privileged default SA (bound to cluster-admin), a legacy token Secret never used, one
/// invalidated (kubernetes.io/legacy-token-invalid-since), and a pod mounting a legacy token Secret.</item>
/// <item>data: a CronJob's Job pod, a DaemonSet pod in monitoring, GKE and AKS workload-identity annotations.</item>
/// <item>ci: a binding to the group system:serviceaccounts:ci (every SA of the namespace) and a deployer SA that
/// can create tokens.</item>
/// <item>monitoring: an aggregated ClusterRole (monitoring-reader) built from two labelled member roles.</item>
/// <item>Pod templates of every kind for the workload automount fix (see WorkloadAutomountFixtures).</item>
/// </list>
/// </summary>
public static class DemoScenario
{
    public static void Load(ScenarioBuilder b)
    {
        var today = DateTime.UtcNow.Date;

        foreach (var (ns, team) in new[] { ("shop", "storefront"), ("payments", "payments"), ("legacy-apps", "platform"), ("data", "analytics"), ("ci", "platform"), ("monitoring", "sre") })
            b.Namespace(ns, new JsonObject { ["team"] = team });

        // --- shop: Deployments with dedicated SAs; default SA used with and without automount.
        b.ServiceAccount("shop", "frontend", labels: new JsonObject { ["app"] = "frontend" });
        b.ServiceAccount("shop", "backend", labels: new JsonObject { ["app"] = "backend" });
        Deployment(b, "shop", "frontend", "frontend", "6d4cf56db6", 2);
        Deployment(b, "shop", "backend", "backend", "7c9f8b5d44", 2);
        b.Pod("shop", "debug-shell", null);                                   // default SA, token mounted
        b.Pod("shop", "batch-report", null, automount: false);               // default SA, automount off in the pod
        b.Role("shop", "config-reader", Rule(new[] { "" }, new[] { "configmaps" }, new[] { "get", "list", "watch" }));
        b.RoleBinding("shop", "backend-config-reader", "Role", "config-reader", SaSubject("shop", "backend"));
        b.RoleBinding("shop", "frontend-view", "ClusterRole", "view", SaSubject("shop", "frontend"));

        // --- payments: default SA opted out; dedicated SA with EKS IRSA; a used legacy token.
        b.Store.Mutate("serviceaccounts", "payments", "default", sa => sa["automountServiceAccountToken"] = false);
        b.ServiceAccount("payments", "ledger", annotations: new JsonObject { ["eks.amazonaws.com/role-arn"] = "arn:aws:iam::111122223333:role/payments-ledger" });
        b.ServiceAccount("payments", "gateway", automount: false);
        var ledger = b.Workload("statefulsets", "payments", "ledger", "ledger", new JsonObject { ["app"] = "ledger" },
            new JsonObject { ["replicas"] = 2, ["serviceName"] = "ledger" }, labels: new JsonObject { ["app"] = "ledger" });
        Owned(b, ledger, "ledger-0");
        Owned(b, ledger, "ledger-1");
        b.Pod("payments", "legacy-job", null);
        b.Role("payments", "secret-reader", Rule(new[] { "" }, new[] { "secrets" }, new[] { "get", "list" }));
        b.RoleBinding("payments", "ledger-secrets", "Role", "secret-reader", SaSubject("payments", "ledger"));
        b.RoleBinding("payments", "gateway-named-secret", "ClusterRole", "payments-gateway-keys", SaSubject("payments", "gateway"));
        b.ClusterRole("payments-gateway-keys", null, Rule(new[] { "" }, new[] { "secrets" }, new[] { "get" }, new[] { "gateway-tls", "gateway-api-key" }));
        b.LegacyTokenSecret("payments", "ledger-token", "ledger",
            new JsonObject { ["kubernetes.io/legacy-token-last-used"] = today.AddDays(-3).ToString("yyyy-MM-dd") });

        // --- legacy-apps: over-privileged default SA, unused and invalidated legacy tokens, a pod mounting one.
        b.ServiceAccount("legacy-apps", "reporter");
        b.ServiceAccount("legacy-apps", "old-deployer");
        b.ClusterRoleBinding("legacy-apps-default-admin", "cluster-admin", SaSubject("legacy-apps", "default"));
        b.RoleBinding("legacy-apps", "reporter-edit", "ClusterRole", "edit", SaSubject("legacy-apps", "reporter"));
        b.LegacyTokenSecret("legacy-apps", "reporter-token", "reporter");
        b.LegacyTokenSecret("legacy-apps", "old-deployer-token", "old-deployer", new JsonObject
        {
            ["kubernetes.io/legacy-token-last-used"] = today.AddDays(-400).ToString("yyyy-MM-dd"),
            ["kubernetes.io/legacy-token-invalid-since"] = today.AddDays(-30).ToString("yyyy-MM-dd"),
        });
        // old-deployer-token is what the clean-up controller invalidated: auto-generated by the pre-1.24 tokens
        // controller (listed in the ServiceAccount's secrets, created years ago), unused for over a year, labelled
        // a month ago; the cluster has tracked legacy token use for two years (kube-apiserver's tracking ConfigMap).
        // reporter-token and default-token-manual are hand-made Secrets the controller never touches.
        b.Store.Mutate("serviceaccounts", "legacy-apps", "old-deployer", sa => sa["secrets"] = new JsonArray(new JsonObject { ["name"] = "old-deployer-token" }));
        b.Store.Backdate("secrets", "legacy-apps", "old-deployer-token", new DateTimeOffset(today.AddDays(-900), TimeSpan.Zero));
        if (b.Release.Minor >= 28) // kube-apiserver writes the tracking ConfigMap from 1.28 (LegacyServiceAccountTokenTracking GA)
            b.Create("configmaps", "kube-system", new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = Security.LegacyTokenCleaner.TrackingConfigMap },
                ["data"] = new JsonObject { ["since"] = today.AddDays(-730).ToString("yyyy-MM-dd") },
            });
        b.LegacyTokenSecret("legacy-apps", "default-token-manual", "default",
            new JsonObject { ["kubernetes.io/legacy-token-last-used"] = today.AddDays(-1).ToString("yyyy-MM-dd") });
        b.Pod("legacy-apps", "monolith", null);
        b.Pod("legacy-apps", "reporter-cron", "reporter", automount: false, volumes: new JsonArray(new JsonObject
        {
            ["name"] = "api-token",
            ["secret"] = new JsonObject { ["secretName"] = "reporter-token", ["defaultMode"] = 420 },
        }));

        // --- data: Job pod, GKE and AKS workload identity.
        b.ServiceAccount("data", "etl", annotations: new JsonObject { ["iam.gke.io/gcp-service-account"] = "etl@data-project.iam.gserviceaccount.com" });
        b.ServiceAccount("data", "ml-trainer",
            annotations: new JsonObject
            {
                ["azure.workload.identity/client-id"] = "00000000-1111-2222-3333-444444444444",
                ["azure.workload.identity/tenant-id"] = "55555555-6666-7777-8888-999999999999",
            },
            labels: new JsonObject { ["azure.workload.identity/use"] = "true" });
        var cron = b.Workload("cronjobs", "data", "nightly-etl", "etl", new JsonObject { ["app"] = "nightly-etl" },
            new JsonObject { ["schedule"] = "0 2 * * *" });
        // The Job the CronJob controller made for the 2023-12-24 02:00 run (name: <cronjob>-<minutes since epoch>).
        var job = b.Workload("jobs", "data", "nightly-etl-28391040", "etl",
            new JsonObject { ["app"] = "nightly-etl", ["job-name"] = "nightly-etl-28391040" },
            labels: new JsonObject { ["app"] = "nightly-etl" }, ownerReferences: new JsonArray(ControllerReference(cron)));
        Owned(b, job, "nightly-etl-28391040-abcde");
        b.Pod("data", "trainer", "ml-trainer", labels: new JsonObject { ["azure.workload.identity/use"] = "true" });
        b.RoleBinding("data", "etl-edit", "ClusterRole", "edit", SaSubject("data", "etl"));

        // --- ci: group binding for every SA of the namespace, a token-minting deployer.
        b.ServiceAccount("ci", "deployer");
        b.ServiceAccount("ci", "runner");
        b.ClusterRole("ci-token-creator", null, Rule(new[] { "" }, new[] { "serviceaccounts/token" }, new[] { "create" }));
        b.RoleBinding("ci", "deployer-token-creator", "ClusterRole", "ci-token-creator", SaSubject("ci", "deployer"));
        b.RoleBinding("ci", "all-sas-edit", "ClusterRole", "edit", GroupSubject("system:serviceaccounts:ci"));
        b.Pod("ci", "runner-1", "runner");
        b.LegacyTokenSecret("ci", "deployer-token", "deployer");

        // --- monitoring: aggregated custom role and a DaemonSet.
        b.ServiceAccount("monitoring", "prometheus");
        b.ServiceAccount("monitoring", "node-exporter");
        b.Create("clusterroles", null, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "monitoring-reader" },
            ["aggregationRule"] = new JsonObject
            {
                ["clusterRoleSelectors"] = new JsonArray(new JsonObject
                {
                    ["matchLabels"] = new JsonObject { ["rbac.example.com/aggregate-to-monitoring"] = "true" },
                }),
            },
        });
        b.ClusterRole("monitoring-pods", new JsonObject { ["rbac.example.com/aggregate-to-monitoring"] = "true" },
            Rule(new[] { "" }, new[] { "pods", "services", "endpoints" }, new[] { "get", "list", "watch" }));
        b.ClusterRole("monitoring-metrics", new JsonObject { ["rbac.example.com/aggregate-to-monitoring"] = "true" },
            Rule(new[] { "" }, new[] { "nodes", "nodes/metrics" }, new[] { "get", "list", "watch" }));
        b.ClusterRoleBinding("prometheus-monitoring-reader", "monitoring-reader", SaSubject("monitoring", "prometheus"));
        var exporter = b.Workload("daemonsets", "monitoring", "node-exporter", "node-exporter", new JsonObject { ["app"] = "node-exporter" },
            labels: new JsonObject { ["app"] = "node-exporter" });
        Owned(b, exporter, "node-exporter-x7k2p");
        Owned(b, exporter, "node-exporter-m4q9z");
        Deployment(b, "monitoring", "prometheus", "prometheus", "5f7b9c8d6d", 1);

        WorkloadAutomountFixtures(b);
    }

    /// <summary>
    /// Templates for the workload automount fix (Disable-K8sWorkloadAutomount): one of each kind whose
    /// ServiceAccount has no permissions beyond the baseline (shop/default, data/default, data/ml-trainer), one
    /// declaring its own projected token volume, one already opted out, an ownerless ReplicaSet and an ownerless
    /// Job. No pods and no new ServiceAccounts: only templates, so object counts elsewhere stay as they were.
    /// </summary>
    private static void WorkloadAutomountFixtures(ScenarioBuilder b)
    {
        static JsonObject App(string name) => new() { ["app"] = name };
        b.Workload("deployments", "shop", "storefront-static", "default", App("storefront-static"), new JsonObject { ["replicas"] = 1 });
        b.Workload("deployments", "shop", "quiet-worker", "default", App("quiet-worker"), new JsonObject { ["replicas"] = 1 }, automount: false);
        b.Workload("deployments", "shop", "token-client", "default", App("token-client"), new JsonObject { ["replicas"] = 1 });
        b.Store.Mutate("deployments", "shop", "token-client", d => d["spec"]!["template"]!["spec"]!["volumes"] = new JsonArray(new JsonObject
        {
            ["name"] = "vault-token",
            ["projected"] = new JsonObject
            {
                ["sources"] = new JsonArray(new JsonObject
                {
                    ["serviceAccountToken"] = new JsonObject { ["audience"] = "vault", ["expirationSeconds"] = 3600, ["path"] = "token" },
                }),
            },
        }));
        b.Workload("replicasets", "shop", "legacy-rs", "default", App("legacy-rs"), new JsonObject { ["replicas"] = 1 });
        b.Workload("statefulsets", "data", "feature-cache", "ml-trainer", App("feature-cache"), new JsonObject
        {
            ["replicas"] = 1, ["serviceName"] = "feature-cache", ["updateStrategy"] = new JsonObject { ["type"] = "OnDelete" },
        });
        b.Workload("cronjobs", "data", "cleanup", "default", App("cleanup"), new JsonObject { ["schedule"] = "30 4 * * *" });
        b.Workload("jobs", "data", "backfill-once", "default", App("backfill-once"));
    }

    /// <summary>A Deployment, its ReplicaSet (named and labelled as the deployment controller names them:
    /// &lt;deployment&gt;-&lt;pod-template-hash&gt;) and its pods, each owned by the one above through its uid.</summary>
    private static void Deployment(ScenarioBuilder b, string ns, string deployment, string sa, string hash, int replicas)
    {
        var appLabel = new JsonObject { ["app"] = deployment };
        var d = b.Workload("deployments", ns, deployment, sa, appLabel, new JsonObject { ["replicas"] = replicas }, labels: appLabel);
        var rsLabels = new JsonObject { ["app"] = deployment, ["pod-template-hash"] = hash };
        var rs = b.Workload("replicasets", ns, $"{deployment}-{hash}", sa, rsLabels, new JsonObject { ["replicas"] = replicas },
            labels: rsLabels, ownerReferences: new JsonArray(ControllerReference(d)));
        var suffixes = new[] { "x2k9w", "p7m4n", "b5v8q" };
        for (var i = 0; i < replicas; i++)
            b.Pod(ns, $"{rs.Name}-{suffixes[i % suffixes.Length]}", sa,
                ownerReferences: new JsonArray(ControllerReference(rs)), labels: (JsonObject)rsLabels.DeepClone());
    }

    /// <summary>A pod of a stored controller, with the controller's pod-template labels.</summary>
    private static void Owned(ScenarioBuilder b, StoredObject owner, string pod)
    {
        var spec = owner.Object["spec"]!;
        var template = spec["template"] ?? spec["jobTemplate"]!["spec"]!["template"]!;
        var labels = (JsonObject)template["metadata"]!["labels"]!.DeepClone();
        if (owner.Object["kind"]!.GetValue<string>() == "Job") labels["controller-uid"] = owner.Object["metadata"]!["uid"]!.GetValue<string>();
        b.Pod(owner.Namespace!, pod, template["spec"]!["serviceAccountName"]!.GetValue<string>(),
            ownerReferences: new JsonArray(ControllerReference(owner)), labels: labels);
    }
}
