using System.Net;
using System.Text.Json.Nodes;

namespace KubeSandbox.Tests;

public sealed class ControllerAndAdmissionTests : IClassFixture<BootstrapSandbox>
{
    private readonly BootstrapSandbox _fx;
    public ControllerAndAdmissionTests(BootstrapSandbox fx) => _fx = fx;
    private HttpClient C => _fx.Client;

    [Fact]
    public async Task A_new_namespace_gets_its_default_serviceaccount_and_root_ca()
    {
        await C.CreateNamespaceAsync("ctl-ns");
        var sa = await C.GetAsync2("/api/v1/namespaces/ctl-ns/serviceaccounts/default");
        Assert.Equal(HttpStatusCode.OK, sa.Status);
        var cm = await C.GetAsync2("/api/v1/namespaces/ctl-ns/configmaps/kube-root-ca.crt");
        Assert.Equal(_fx.Server.CaCertificatePem, cm.Object["data"]!["ca.crt"]!.GetValue<string>());
        var ns = await C.GetAsync2("/api/v1/namespaces/ctl-ns");
        Assert.Equal("ctl-ns", ns.Object["metadata"]!["labels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        Assert.Equal("Active", ns.Object["status"]!["phase"]!.GetValue<string>());
        // deleted, it comes back, as the serviceaccounts controller re-creates it
        await C.DeleteAsync2("/api/v1/namespaces/ctl-ns/serviceaccounts/default");
        Assert.Equal(HttpStatusCode.OK, (await C.GetAsync2("/api/v1/namespaces/ctl-ns/serviceaccounts/default")).Status);
    }

    [Fact]
    public async Task Bootstrap_admin_edit_view_are_aggregated()
    {
        var view = await C.GetAsync2("/apis/rbac.authorization.k8s.io/v1/clusterroles/view");
        var rules = view.Object["rules"]!.AsArray();
        Assert.NotEmpty(rules);
        Assert.Contains(rules, r => r!["resources"]!.AsArray().Any(x => x!.GetValue<string>() == "serviceaccounts"));
        var admin = await C.GetAsync2("/apis/rbac.authorization.k8s.io/v1/clusterroles/admin");
        Assert.True(admin.Object["rules"]!.AsArray().Count > rules.Count);
    }

    [Fact]
    public async Task Aggregation_follows_member_changes()
    {
        const string crs = "/apis/rbac.authorization.k8s.io/v1/clusterroles";
        await C.PostAsync2(crs, Api.Obj("""{"metadata":{"name":"agg-parent"},"aggregationRule":{"clusterRoleSelectors":[{"matchExpressions":[{"key":"agg.example.com/to","operator":"In","values":["parent","both"]}]}]}}"""));
        Assert.Null((await C.GetAsync2(crs + "/agg-parent")).Object["rules"]);
        await C.PostAsync2(crs, Api.Obj("""{"metadata":{"name":"agg-b","labels":{"agg.example.com/to":"parent"}},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}"""));
        await C.PostAsync2(crs, Api.Obj("""{"metadata":{"name":"agg-a","labels":{"agg.example.com/to":"both"}},"rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["list"]},{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}"""));
        await C.PostAsync2(crs, Api.Obj("""{"metadata":{"name":"agg-x","labels":{"agg.example.com/to":"other"}},"rules":[{"apiGroups":[""],"resources":["nodes"],"verbs":["get"]}]}"""));
        var parent = await C.GetAsync2(crs + "/agg-parent");
        // members in name order (agg-a, agg-b), each rule once
        Assert.Equal(new[] { "secrets", "pods" }, parent.Object["rules"]!.AsArray().Select(r => r!["resources"]![0]!.GetValue<string>()));
        await C.PatchAsync2(crs + "/agg-a", Api.Obj("""{"metadata":{"labels":{"agg.example.com/to":null}}}"""), "application/merge-patch+json");
        parent = await C.GetAsync2(crs + "/agg-parent");
        Assert.Equal(new[] { "pods" }, parent.Object["rules"]!.AsArray().Select(r => r!["resources"]![0]!.GetValue<string>()));
        await C.DeleteAsync2(crs + "/agg-b");
        Assert.Null((await C.GetAsync2(crs + "/agg-parent")).Object["rules"]);
    }

    private static JsonObject Pod(string name, string? sa = null, bool? automount = null, string containers = """[{"name":"c","image":"busybox:1.36"}]""")
    {
        var spec = new JsonObject { ["containers"] = JsonNode.Parse(containers) };
        if (sa is not null) spec["serviceAccountName"] = sa;
        if (automount is { } a) spec["automountServiceAccountToken"] = a;
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec };
    }

    [Fact]
    public async Task Pod_admission_defaults_the_serviceaccount_and_mounts_the_token_volume()
    {
        await C.CreateNamespaceAsync("adm-pods");
        var r = await C.PostAsync2("/api/v1/namespaces/adm-pods/pods", Pod("p1", containers: """[{"name":"a","image":"x:1"},{"name":"b","image":"y"}]"""));
        Assert.Equal(HttpStatusCode.Created, r.Status);
        var spec = r.Object["spec"]!;
        Assert.Equal("default", spec["serviceAccountName"]!.GetValue<string>());
        Assert.Equal("default", spec["serviceAccount"]!.GetValue<string>());
        var vol = spec["volumes"]!.AsArray().Single()!;
        Assert.Matches("^kube-api-access-[a-z0-9]{5}$", vol["name"]!.GetValue<string>());
        Assert.Equal(3607, vol["projected"]!["sources"]![0]!["serviceAccountToken"]!["expirationSeconds"]!.GetValue<int>());
        Assert.Equal("kube-root-ca.crt", vol["projected"]!["sources"]![1]!["configMap"]!["name"]!.GetValue<string>());
        foreach (var c in spec["containers"]!.AsArray())
        {
            var m = c!["volumeMounts"]!.AsArray().Single()!;
            Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount", m["mountPath"]!.GetValue<string>());
            Assert.True(m["readOnly"]!.GetValue<bool>());
        }
        Assert.Equal("IfNotPresent", spec["containers"]![0]!["imagePullPolicy"]!.GetValue<string>());
        Assert.Equal("Always", spec["containers"]![1]!["imagePullPolicy"]!.GetValue<string>());
        Assert.Equal("Pending", r.Object["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("BestEffort", r.Object["status"]!["qosClass"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pod_that_already_has_a_kube_api_access_volume_gets_it_mounted_not_a_second_one()
    {
        // admission.go mountServiceAccountToken reuses an existing kube-api-access-* volume (a pod re-created from its YAML).
        await C.CreateNamespaceAsync("adm-reuse");
        var pod = Pod("again");
        pod["spec"]!["volumes"] = JsonNode.Parse("""[{"name":"kube-api-access-keep0","emptyDir":{}}]""");
        var r = await C.PostAsync2("/api/v1/namespaces/adm-reuse/pods", pod);
        Assert.Equal(HttpStatusCode.Created, r.Status);
        Assert.Equal("kube-api-access-keep0", r.Object["spec"]!["volumes"]!.AsArray().Single()!["name"]!.GetValue<string>());
        Assert.Equal("kube-api-access-keep0", r.Object["spec"]!["containers"]![0]!["volumeMounts"]!.AsArray().Single()!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Automount_off_on_the_pod_or_the_serviceaccount_means_no_volume_and_the_pod_wins()
    {
        await C.CreateNamespaceAsync("adm-automount");
        await C.CreateServiceAccountAsync("adm-automount", "quiet", ",\"automountServiceAccountToken\":false");
        var podOff = await C.PostAsync2("/api/v1/namespaces/adm-automount/pods", Pod("pod-off", automount: false));
        Assert.Null(podOff.Object["spec"]!["volumes"]);
        var saOff = await C.PostAsync2("/api/v1/namespaces/adm-automount/pods", Pod("sa-off", "quiet"));
        Assert.Null(saOff.Object["spec"]!["volumes"]);
        var podOn = await C.PostAsync2("/api/v1/namespaces/adm-automount/pods", Pod("pod-on", "quiet", automount: true));
        Assert.Single(podOn.Object["spec"]!["volumes"]!.AsArray());
    }

    [Fact]
    public async Task A_pod_for_a_missing_serviceaccount_is_forbidden()
    {
        await C.CreateNamespaceAsync("adm-missing");
        var r = await C.PostAsync2("/api/v1/namespaces/adm-missing/pods", Pod("ghost", "no-such-sa"));
        Assert.Equal(HttpStatusCode.Forbidden, r.Status);
        Assert.Equal("pods \"ghost\" is forbidden: error looking up service account adm-missing/no-such-sa: serviceaccount \"no-such-sa\" not found", r.Message);
        Assert.Equal("ghost", r.Object["details"]!["name"]!.GetValue<string>());
    }
}
