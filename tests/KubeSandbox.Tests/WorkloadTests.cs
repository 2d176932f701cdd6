using System.Net;
using System.Text.Json.Nodes;

namespace KubeSandbox.Tests;

/// <summary>The apps/v1 and batch/v1 workloads as stored resources: verbs, defaults, generation, validation,
/// field selectors, RBAC in their API group, and the demo scenario's owner chains.</summary>
public sealed class WorkloadTests : IClassFixture<DemoSandbox>
{
    private readonly DemoSandbox _fx;
    public WorkloadTests(DemoSandbox fx) => _fx = fx;
    private HttpClient C => _fx.Client;

    private static JsonObject Deployment(string name, string? selectorApp = null) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = selectorApp ?? name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = Api.Obj("""{"containers":[{"name":"app","image":"nginx:1.25"}]}"""),
            },
        },
    };

    [Theory]
    [InlineData("apps", "deployments", "Deployment")]
    [InlineData("apps", "replicasets", "ReplicaSet")]
    [InlineData("apps", "statefulsets", "StatefulSet")]
    [InlineData("apps", "daemonsets", "DaemonSet")]
    [InlineData("batch", "jobs", "Job")]
    [InlineData("batch", "cronjobs", "CronJob")]
    public async Task Each_workload_kind_is_listed_created_read_patched_and_deleted(string group, string plural, string kind)
    {
        var ns = "wl-" + plural;
        await C.CreateNamespaceAsync(ns);
        var restart = group == "batch" ? "\"restartPolicy\":\"Never\"," : "";
        var template = "{\"metadata\":{\"labels\":{\"app\":\"w\"}},\"spec\":{" + restart + "\"containers\":[{\"name\":\"app\",\"image\":\"busybox:1.36\"}]}}";
        var spec = plural switch
        {
            "jobs" => "{\"template\":" + template + "}",
            "cronjobs" => "{\"schedule\":\"0 3 * * *\",\"jobTemplate\":{\"spec\":{\"template\":" + template + "}}}",
            _ => "{\"selector\":{\"matchLabels\":{\"app\":\"w\"}},\"template\":" + template + "}",
        };
        var body = Api.Obj("{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"w\"},\"spec\":" + spec + "}");
        var baseUrl = $"/apis/{group}/v1/namespaces/{ns}/{plural}";

        var created = await C.PostAsync2(baseUrl, body);
        Assert.True(created.Status == HttpStatusCode.Created, created.Text);
        Assert.Equal(kind, created.Object["kind"]!.GetValue<string>());
        Assert.Equal($"{group}/v1", created.Object["apiVersion"]!.GetValue<string>());
        Assert.Equal(1, created.Object["metadata"]!["generation"]!.GetValue<int>());
        Assert.NotNull(created.Object["status"]);

        var list = await C.GetAsync2(baseUrl);
        Assert.Equal(kind + "List", list.Object["kind"]!.GetValue<string>());
        Assert.Equal("w", Assert.Single(list.Object["items"]!.AsArray())!["metadata"]!["name"]!.GetValue<string>());
        var all = await C.GetAsync2($"/apis/{group}/v1/{plural}?fieldSelector=metadata.namespace%3D{ns}");
        Assert.Single(all.Object["items"]!.AsArray());

        var patched = await C.PatchAsync2(baseUrl + "/w", Api.Obj("""{"metadata":{"labels":{"tier":"web"}}}"""), "application/merge-patch+json");
        Assert.True(patched.Status == HttpStatusCode.OK, patched.Text);
        Assert.Equal("web", patched.Object["metadata"]!["labels"]!["tier"]!.GetValue<string>());
        Assert.Equal(1, patched.Object["metadata"]!["generation"]!.GetValue<int>()); // metadata only: same generation

        var deleted = await C.DeleteAsync2(baseUrl + "/w");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal("Status", deleted.Object["kind"]!.GetValue<string>());
        Assert.Equal(group, deleted.Object["details"]!["group"]!.GetValue<string>());
        Assert.Equal(plural, deleted.Object["details"]!["kind"]!.GetValue<string>());
        var gone = await C.GetAsync2(baseUrl + "/w");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal($"{plural}.{group} \"w\" not found", gone.Message);
    }

    [Fact]
    public async Task A_deployment_is_defaulted_and_a_spec_change_is_a_new_generation()
    {
        await C.CreateNamespaceAsync("wl-defaults");
        var created = await C.PostAsync2("/apis/apps/v1/namespaces/wl-defaults/deployments", Deployment("web"));
        Assert.True(created.Status == HttpStatusCode.Created, created.Text);
        var spec = created.Object["spec"]!;
        Assert.Equal(1, spec["replicas"]!.GetValue<int>());
        Assert.Equal(10, spec["revisionHistoryLimit"]!.GetValue<int>());
        Assert.Equal(600, spec["progressDeadlineSeconds"]!.GetValue<int>());
        Assert.Equal("25%", spec["strategy"]!["rollingUpdate"]!["maxSurge"]!.GetValue<string>());
        Assert.Equal("ClusterFirst", spec["template"]!["spec"]!["dnsPolicy"]!.GetValue<string>());
        Assert.Null(spec["template"]!["spec"]!["tolerations"]); // admission plugins act on pods, not templates
        Assert.Equal(new[] { "replicas", "selector", "template", "strategy", "revisionHistoryLimit", "progressDeadlineSeconds" },
            spec.AsObject().Select(kv => kv.Key));

        var scaled = await C.PatchAsync2("/apis/apps/v1/namespaces/wl-defaults/deployments/web", Api.Obj("""{"spec":{"replicas":3}}"""), "application/strategic-merge-patch+json");
        Assert.Equal(2, scaled.Object["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(3, scaled.Object["spec"]!["replicas"]!.GetValue<int>());
        // The status is the controllers' to write: a client's PUT does not change it.
        var put = scaled.Object.DeepClone().AsObject();
        put["status"] = Api.Obj("""{"replicas":99}""");
        var updated = await C.PutAsync2("/apis/apps/v1/namespaces/wl-defaults/deployments/web", put);
        Assert.True(updated.Status == HttpStatusCode.OK, updated.Text);
        Assert.Null(updated.Object["status"]!["replicas"]);
    }

    [Fact]
    public async Task A_strategic_patch_merges_template_containers_by_name()
    {
        await C.CreateNamespaceAsync("wl-smp");
        var d = Deployment("web");
        d["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Add(Api.Obj("""{"name":"sidecar","image":"envoy:1.29"}"""));
        Assert.Equal(HttpStatusCode.Created, (await C.PostAsync2("/apis/apps/v1/namespaces/wl-smp/deployments", d)).Status);
        var patched = await C.PatchAsync2("/apis/apps/v1/namespaces/wl-smp/deployments/web",
            Api.Obj("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}"""), "application/strategic-merge-patch+json");
        Assert.True(patched.Status == HttpStatusCode.OK, patched.Text);
        var containers = patched.Object["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(new[] { "app=nginx:1.27", "sidecar=envoy:1.29" },
            containers.Select(c => $"{c!["name"]}={c["image"]}"));
        Assert.Equal(2, patched.Object["metadata"]!["generation"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_selector_that_does_not_match_the_template_is_invalid()
    {
        await C.CreateNamespaceAsync("wl-invalid");
        var r = await C.PostAsync2("/apis/apps/v1/namespaces/wl-invalid/deployments", Deployment("web", selectorApp: "other"));
        Assert.Equal(422, r.Code);
        Assert.Equal("Invalid", r.Reason);
        Assert.Contains("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`", r.Message);
        Assert.StartsWith("Deployment.apps \"web\" is invalid", r.Message);
    }

    [Fact]
    public async Task Jobs_select_on_status_successful_and_refuse_other_fields()
    {
        var ok = await C.GetAsync2("/apis/batch/v1/jobs?fieldSelector=status.successful%3D0");
        Assert.True(ok.Status == HttpStatusCode.OK, ok.Text);
        Assert.Contains(ok.Object["items"]!.AsArray(), j => j!["metadata"]!["name"]!.GetValue<string>() == "nightly-etl-28391040");
        var bad = await C.GetAsync2("/apis/batch/v1/jobs?fieldSelector=status.succeeded%3D1");
        Assert.Equal(400, bad.Code);
        Assert.Equal("field label \"status.succeeded\" not supported for batchv1.Job", bad.Message);
        var badApps = await C.GetAsync2("/apis/apps/v1/replicasets?fieldSelector=spec.replicas%3D1");
        Assert.Equal(400, badApps.Code);
        Assert.Equal("\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", badApps.Message);
    }

    [Fact]
    public async Task Rbac_authorizes_workloads_in_their_api_group()
    {
        await C.CreateNamespaceAsync("wl-rbac");
        await C.CreateServiceAccountAsync("wl-rbac", "viewer");
        var role = Api.Obj("""{"metadata":{"name":"rs-reader"},"rules":[{"apiGroups":["apps"],"resources":["replicasets"],"verbs":["list"]},{"apiGroups":[""],"resources":["jobs"],"verbs":["list"]}]}""");
        Assert.Equal(HttpStatusCode.Created, (await C.PostAsync2("/apis/rbac.authorization.k8s.io/v1/namespaces/wl-rbac/roles", role)).Status);
        var binding = Api.Obj("""{"metadata":{"name":"rs-reader"},"subjects":[{"kind":"ServiceAccount","name":"viewer"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"rs-reader"}}""");
        Assert.Equal(HttpStatusCode.Created, (await C.PostAsync2("/apis/rbac.authorization.k8s.io/v1/namespaces/wl-rbac/rolebindings", binding)).Status);
        var token = await _fx.Server.CreateTokenAsync("wl-rbac", "viewer");
        using var sa = _fx.Server.CreateClient(token);

        Assert.Equal(HttpStatusCode.OK, (await sa.GetAsync2("/apis/apps/v1/namespaces/wl-rbac/replicasets")).Status);
        // A rule for "jobs" in the core group does not grant batch jobs.
        var jobs = await sa.GetAsync2("/apis/batch/v1/namespaces/wl-rbac/jobs");
        Assert.Equal(403, jobs.Code);
        Assert.Equal("jobs.batch is forbidden: User \"system:serviceaccount:wl-rbac:viewer\" cannot list resource \"jobs\" in API group \"batch\" in the namespace \"wl-rbac\"", jobs.Message);
        var all = await sa.GetAsync2("/apis/apps/v1/replicasets");
        Assert.Equal(403, all.Code);
        Assert.Contains("in API group \"apps\" at the cluster scope", all.Message);
    }

    [Fact]
    public async Task Demo_pods_point_at_stored_owners_with_matching_uids()
    {
        async Task<JsonArray> Items(string path) => (await C.GetAsync2(path)).Object["items"]!.AsArray();
        var byKey = new Dictionary<(string Kind, string Ns, string Name), JsonNode>();
        foreach (var (path, kind) in new[]
        {
            ("/apis/apps/v1/deployments", "Deployment"), ("/apis/apps/v1/replicasets", "ReplicaSet"),
            ("/apis/apps/v1/statefulsets", "StatefulSet"), ("/apis/apps/v1/daemonsets", "DaemonSet"),
            ("/apis/batch/v1/jobs", "Job"), ("/apis/batch/v1/cronjobs", "CronJob"),
        })
        {
            foreach (var o in await Items(path))
                byKey[(kind, o!["metadata"]!["namespace"]!.GetValue<string>(), o["metadata"]!["name"]!.GetValue<string>())] = o;
        }
        var owned = 0;
        var chains = new HashSet<string>();
        foreach (var pod in await Items("/api/v1/pods"))
        {
            var ns = pod!["metadata"]!["namespace"]!.GetValue<string>();
            JsonNode? current = pod;
            var chain = new List<string>();
            while (current!["metadata"]!["ownerReferences"] is JsonArray refs && refs.Count > 0)
            {
                var r = refs.Single(x => x!["controller"]?.GetValue<bool>() == true)!;
                var key = (r["kind"]!.GetValue<string>(), ns, r["name"]!.GetValue<string>());
                Assert.True(byKey.TryGetValue(key, out var owner), $"{ns}/{pod["metadata"]!["name"]} -> {key} is not stored");
                Assert.Equal(owner!["metadata"]!["uid"]!.GetValue<string>(), r["uid"]!.GetValue<string>());
                Assert.Equal(key.Item1 is "Job" or "CronJob" ? "batch/v1" : "apps/v1", r["apiVersion"]!.GetValue<string>());
                chain.Add(key.Item1);
                current = owner;
            }
            if (chain.Count > 0) { owned++; chains.Add(string.Join(">", chain)); }
        }
        Assert.True(owned >= 10, $"{owned} owned pods");
        Assert.Contains("ReplicaSet>Deployment", chains);
        Assert.Contains("Job>CronJob", chains);
        Assert.Contains("StatefulSet", chains);
        Assert.Contains("DaemonSet", chains);
    }
}
