using System.Diagnostics;
using System.Text.Json.Nodes;

namespace KubeSandbox.Tests;

public sealed class ScenarioTests : IClassFixture<DemoSandbox>
{
    private readonly DemoSandbox _fx;
    public ScenarioTests(DemoSandbox fx) => _fx = fx;

    private IReadOnlyList<JsonObject> L(string resource, string? ns = null) => _fx.Server.Store.List(resource, ns);

    [Fact]
    public void Bootstrap_part_is_the_fresh_cluster()
    {
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Assert.NotNull(_fx.Server.Store.Get("namespaces", null, ns));
            Assert.NotNull(_fx.Server.Store.Get("serviceaccounts", ns, "default"));
        }
        Assert.NotNull(_fx.Server.Store.Get("clusterrolebindings", null, "system:basic-user"));
        Assert.NotNull(_fx.Server.Store.Get("roles", "kube-system", "extension-apiserver-authentication-reader"));
    }

    [Fact]
    public void Demo_has_the_estate_an_audit_should_find()
    {
        var sas = L("serviceaccounts");
        var pods = L("pods");
        // dedicated and default SAs in app namespaces
        Assert.Contains(sas, s => s["metadata"]!["namespace"]!.GetValue<string>() == "shop" && s["metadata"]!["name"]!.GetValue<string>() == "frontend");
        // pods on the default SA with and without automount
        var onDefault = pods.Where(p => p["spec"]!["serviceAccountName"]!.GetValue<string>() == "default").ToList();
        Assert.Contains(onDefault, p => p["spec"]!["volumes"] is JsonArray v && v.Any(x => x!["name"]!.GetValue<string>().StartsWith("kube-api-access-")));
        Assert.Contains(onDefault, p => p["spec"]!["automountServiceAccountToken"]?.GetValue<bool>() == false);
        Assert.False(_fx.Server.Store.Get("serviceaccounts", "payments", "default")!["automountServiceAccountToken"]!.GetValue<bool>());
        // an over-privileged default SA
        Assert.Contains(L("clusterrolebindings"), b => b["roleRef"]!["name"]!.GetValue<string>() == "cluster-admin"
            && b["subjects"]!.AsArray().Any(s => s!["name"]!.GetValue<string>() == "default" && s["kind"]!.GetValue<string>() == "ServiceAccount"));
        // a binding to system:serviceaccounts:<ns>
        Assert.Contains(L("rolebindings"), b => b["subjects"]!.AsArray().Any(s => s!["kind"]!.GetValue<string>() == "Group" && s["name"]!.GetValue<string>().StartsWith("system:serviceaccounts:")));
        // an aggregated custom role, filled by the controller
        Assert.Equal(2, _fx.Server.Store.Get("clusterroles", null, "monitoring-reader")!["rules"]!.AsArray().Count);
        // legacy token secrets: used, unused, invalidated, and one mounted by a pod
        var legacy = L("secrets").Where(s => s["type"]!.GetValue<string>() == "kubernetes.io/service-account-token").ToList();
        Assert.Contains(legacy, s => s["metadata"]!["labels"]?["kubernetes.io/legacy-token-last-used"] is not null);
        Assert.Contains(legacy, s => s["metadata"]!["labels"] is null);
        Assert.Contains(legacy, s => s["metadata"]!["labels"]?["kubernetes.io/legacy-token-invalid-since"] is not null);
        Assert.Contains(pods, p => p["spec"]!["volumes"] is JsonArray v && v.Any(x => x!["secret"]?["secretName"]?.GetValue<string>() == "reporter-token"));
        // the tokens controller filled every one (token, ca.crt, namespace and the SA uid annotation)
        Assert.All(legacy, s =>
        {
            Assert.NotNull(s["data"]?["token"]);
            Assert.NotNull(s["data"]?["ca.crt"]);
            Assert.NotNull(s["metadata"]!["annotations"]!["kubernetes.io/service-account.uid"]);
        });
        // workload identity for AKS, EKS, GKE
        var annotations = sas.Select(s => s["metadata"]!["annotations"] as JsonObject).Where(a => a is not null).SelectMany(a => a!.Select(kv => kv.Key)).ToHashSet();
        Assert.Contains("azure.workload.identity/client-id", annotations);
        Assert.Contains("eks.amazonaws.com/role-arn", annotations);
        Assert.Contains("iam.gke.io/gcp-service-account", annotations);
        // owners: ReplicaSet (of a Deployment), StatefulSet, DaemonSet, Job
        var ownerKinds = pods.SelectMany(p => (p["metadata"]!["ownerReferences"] as JsonArray ?? new JsonArray()).Select(o => o!["kind"]!.GetValue<string>())).ToHashSet();
        Assert.Superset(new HashSet<string> { "ReplicaSet", "StatefulSet", "DaemonSet", "Job" }, ownerKinds);
    }

    [Fact]
    public async Task Scenarios_are_deterministic_for_a_seed()
    {
        static async Task<string> Names(int seed)
        {
            await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "demo", Seed = seed });
            return string.Join(",", s.Store.List("pods", null).Select(p => p["metadata"]!["name"] + ":" + p["metadata"]!["uid"] + ":" + p["spec"]!["volumes"]?[0]?["name"]));
        }
        Assert.Equal(await Names(7), await Names(7));
    }

    [Fact]
    public async Task Scale_builds_the_requested_sizes()
    {
        var o = new ScaleOptions { Namespaces = 20, ServiceAccounts = 200, Pods = 400, Roles = 80, RoleBindings = 120, ClusterRoles = 40, ClusterRoleBindings = 60, LegacySecrets = 30 };
        await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "scale", Scale = o });
        Assert.Equal(20, s.Store.List("namespaces", null).Count(n => n["metadata"]!["name"]!.GetValue<string>().StartsWith("scale-")));
        // + a default SA per namespace (20 + 4 bootstrap) + the 41 kube-system controller accounts the 1.33 default
        // bindings name (ControlPlaneServiceAccounts).
        Assert.Equal(200 + 24 + 41, s.Store.Count("serviceaccounts"));
        Assert.Equal(4 + 1, s.Store.Count("nodes")); // a control plane and a worker per 100 pods
        Assert.All(s.Store.List("pods", null), p => Assert.Equal("Running", p["status"]!["phase"]!.GetValue<string>()));
        Assert.Equal(400, s.Store.Count("pods"));
        var legacy = s.Store.List("secrets", null).Where(x => x["type"]!.GetValue<string>() == "kubernetes.io/service-account-token").ToList();
        Assert.Equal(30, legacy.Count);
        Assert.All(legacy, x => Assert.NotNull(x["data"]?["token"]));
        Assert.Equal(60, s.Store.List("clusterrolebindings", null).Count(x => x["metadata"]!["name"]!.GetValue<string>().StartsWith("scale-crb-")));
        Assert.NotNull(s.Store.Get("clusterroles", null, "scale-aggregate")!["rules"]);
    }
}
