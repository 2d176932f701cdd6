using System.Text.Json.Nodes;

namespace KubeSandbox.Tests;

/// <summary>
/// The real kubectl (v1.32, a client nobody here wrote) against the sandbox, through a kubeconfig, with its
/// discovery cache in a temporary directory.
/// </summary>
public sealed class KubectlTests : IClassFixture<DemoSandbox>, IDisposable
{
    private const string Kubectl = "/usr/bin/kubectl";
    private readonly DemoSandbox _fx;
    private readonly DirectoryInfo _dir;
    private readonly string _kubeconfig;

    public KubectlTests(DemoSandbox fx)
    {
        _fx = fx;
        _dir = Directory.CreateTempSubdirectory("kubectl-tests-");
        _kubeconfig = fx.Server.WriteKubeconfig(Path.Combine(_dir.FullName, "config"));
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private async Task<ProcessRunner.Result> Run(params string[] args) => await RunWith(_kubeconfig, args);

    private async Task<ProcessRunner.Result> RunWith(string kubeconfig, params string[] args)
    {
        var all = new List<string> { "--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(_dir.FullName, "cache") };
        all.AddRange(args);
        return await ProcessRunner.RunAsync(Kubectl, all, new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig, ["HOME"] = _dir.FullName });
    }

    [Fact]
    public async Task Get_serviceaccounts_in_all_namespaces_as_json()
    {
        var r = await Run("get", "sa", "-A", "-o", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var list = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("List", list["kind"]!.GetValue<string>());
        var names = list["items"]!.AsArray().Select(i => $"{i!["metadata"]!["namespace"]}/{i["metadata"]!["name"]}").ToList();
        Assert.Contains("kube-system/default", names);
        Assert.Contains("shop/frontend", names);
        Assert.All(list["items"]!.AsArray(), i => Assert.Equal("ServiceAccount", i!["kind"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Get_clusterroles_prints_the_table()
    {
        var r = await Run("get", "clusterroles");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("NAME", lines[0]);
        Assert.Contains("CREATED AT", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("cluster-admin ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("monitoring-reader ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_workloads_finds_them_through_discovery_and_deletes_one()
    {
        // kubectl resolves the short names and groups from discovery (apps/v1, batch/v1), then lists each kind.
        var r = await Run("get", "deploy,rs,sts,ds,cj,jobs", "-A", "-o", "name");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("deployment.apps/frontend", lines);
        Assert.Contains("replicaset.apps/frontend-6d4cf56db6", lines);
        Assert.Contains("statefulset.apps/ledger", lines);
        Assert.Contains("daemonset.apps/node-exporter", lines);
        Assert.Contains("cronjob.batch/nightly-etl", lines);
        Assert.Contains("job.batch/nightly-etl-28391040", lines);

        await _fx.Client.CreateNamespaceAsync("kubectl-workloads");
        // A manifest (kubectl sends it as JSON; its typed generators such as "create deployment" post protobuf,
        // which the sandbox does not decode for the workload kinds).
        var manifest = Path.Combine(_dir.FullName, "web-deployment.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - {name: web, image: "nginx:1.25"}
            """);
        // With kubectl's default validation: /openapi/v3/apis/apps/v1 shows the fieldValidation parameter, so kubectl
        // sends ?fieldValidation=Strict and leaves the check to the server.
        var created = await Run("-n", "kubectl-workloads", "create", "-f", manifest);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("deployment.apps/web created", created.Stdout);
        var deleted = await Run("-n", "kubectl-workloads", "delete", "deployment", "web");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains("deployment.apps \"web\" deleted", deleted.Stdout);
        Assert.Null(_fx.Server.Store.Get("deployments", "kubectl-workloads", "web"));
    }

    [Theory]
    [InlineData(null)]        // kubectl's default for a built-in kind: strategic merge patch
    [InlineData("strategic")]
    [InlineData("merge")]
    public async Task Patch_serviceaccount_automount(string? type)
    {
        var ns = "kubectl-patch-" + (type ?? "default");
        await _fx.Client.CreateNamespaceAsync(ns);
        var args = new List<string> { "-n", ns, "patch", "serviceaccount", "default", "-p", "{\"automountServiceAccountToken\":false}" };
        if (type is not null) args.AddRange(new[] { "--type", type });
        var r = await Run(args.ToArray());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("serviceaccount/default patched", r.Stdout);
        var sa = _fx.Server.Store.Get("serviceaccounts", ns, "default")!;
        Assert.False(sa["automountServiceAccountToken"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Kubectl_caches_discovery_so_a_second_call_skips_it()
    {
        var cacheKubeconfig = _fx.Server.WriteKubeconfig(Path.Combine(_dir.FullName, "cache-config"));
        var first = await RunWith(cacheKubeconfig, "get", "sa", "-n", "shop", "-o", "name");
        Assert.True(first.ExitCode == 0, first.ToString());
        var mark = _fx.Server.Requests.Count;
        var second = await RunWith(cacheKubeconfig, "get", "sa", "-n", "shop", "-o", "name");
        Assert.True(second.ExitCode == 0, second.ToString());
        var paths = _fx.Server.Requests.Snapshot().Skip(mark).Select(r => r.Path).ToList();
        Assert.DoesNotContain(paths, p => p is "/api" or "/apis" || p.StartsWith("/apis/", StringComparison.Ordinal) && p.Count(c => c == '/') <= 3);
        Assert.Contains("/api/v1/namespaces/shop/serviceaccounts", paths);
    }

    [Fact]
    public async Task Get_missing_serviceaccount_reports_the_servers_words()
    {
        var r = await Run("get", "sa", "no-such-sa", "-n", "default");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("serviceaccounts \"no-such-sa\" not found", r.Stderr);
    }

    // ---- token and authorization commands: they need the security side (TokenRequest, SSRR, SSR).

    [Fact]
    public async Task Create_token_with_duration_and_audience()
    {
        var r = await Run("create", "token", "frontend", "-n", "shop", "--duration=10m", "--audience=x");
        Assert.True(r.ExitCode == 0, r.ToString());
        var parts = r.Stdout.Trim().Split('.');
        Assert.Equal(3, parts.Length);
        var claims = JsonNode.Parse(Base64Url(parts[1]))!;
        Assert.Equal("x", claims["aud"]!.AsArray().Single()!.GetValue<string>());
        Assert.Equal(600, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());
        Assert.Equal("system:serviceaccount:shop:frontend", claims["sub"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_token_bound_to_a_pod()
    {
        var pod = _fx.Server.Store.List("pods", "shop").First(p => p["spec"]!["serviceAccountName"]!.GetValue<string>() == "frontend");
        var podName = pod["metadata"]!["name"]!.GetValue<string>();
        var r = await Run("create", "token", "frontend", "-n", "shop", "--bound-object-kind=Pod", "--bound-object-name=" + podName);
        Assert.True(r.ExitCode == 0, r.ToString());
        var claims = JsonNode.Parse(Base64Url(r.Stdout.Trim().Split('.')[1]))!;
        Assert.Equal(podName, claims["kubernetes.io"]!["pod"]!["name"]!.GetValue<string>());
        Assert.Equal(pod["metadata"]!["uid"]!.GetValue<string>(), claims["kubernetes.io"]!["pod"]!["uid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Auth_can_i_list_as_a_serviceaccount()
    {
        var r = await Run("auth", "can-i", "--list", "-n", "shop", "--as=system:serviceaccount:shop:backend");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(r.Stdout.Split('\n'), l => l.StartsWith("configmaps ", StringComparison.Ordinal) && l.Contains("[get list watch]"));
        Assert.DoesNotContain(r.Stdout.Split('\n'), l => l.StartsWith("secrets ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Auth_can_i_get_secrets_as_serviceaccounts()
    {
        var yes = await Run("auth", "can-i", "get", "secrets", "-n", "payments", "--as=system:serviceaccount:payments:ledger");
        Assert.True(yes.ExitCode == 0, yes.ToString());
        Assert.Equal("yes", yes.Stdout.Trim());
        var no = await Run("auth", "can-i", "get", "secrets", "-n", "shop", "--as=system:serviceaccount:shop:frontend");
        Assert.Equal(1, no.ExitCode);
        Assert.Equal("no", no.Stdout.Trim());
    }

    [Fact]
    public async Task Auth_whoami_with_a_serviceaccount_token()
    {
        var token = await _fx.Server.CreateTokenAsync("ci", "runner");
        var kc = _fx.Server.WriteKubeconfig(Path.Combine(_dir.FullName, "runner-config"), token, "runner");
        var r = await RunWith(kc, "auth", "whoami", "-o", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        var review = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("system:serviceaccount:ci:runner", review["status"]!["userInfo"]!["username"]!.GetValue<string>());
        Assert.Contains("system:serviceaccounts:ci", review["status"]!["userInfo"]!["groups"]!.AsArray().Select(g => g!.GetValue<string>()));
    }

    [Fact]
    public async Task Auth_whoami_shows_the_credential_id_of_a_serviceaccount_token_on_1_33()
    {
        var token = await _fx.Server.CreateTokenAsync("ci", "runner");
        var kc = _fx.Server.WriteKubeconfig(Path.Combine(_dir.FullName, "runner-jti-config"), token, "runner");
        var table = await RunWith(kc, "auth", "whoami");
        Assert.True(table.ExitCode == 0, table.ToString());
        var jti = JsonNode.Parse(Base64Url(token.Split('.')[1]))!["jti"]!.GetValue<string>();
        // kubectl prints each extra as a row: "Extra: authentication.kubernetes.io/credential-id   [JTI=...]".
        Assert.Contains(table.Stdout.Split('\n'), l => l.Contains("authentication.kubernetes.io/credential-id", StringComparison.Ordinal) && l.Contains("JTI=" + jti, StringComparison.Ordinal));
    }

    // ---- kubectl's generators post protobuf (application/vnd.kubernetes.protobuf) for built-in kinds.

    [Fact]
    public async Task Create_serviceaccount_secret_and_namespace_with_kubectls_protobuf_bodies()
    {
        var ns = await Run("create", "namespace", "kubectl-proto");
        Assert.True(ns.ExitCode == 0, ns.ToString());
        Assert.Contains("namespace/kubectl-proto created", ns.Stdout);
        var sa = await Run("-n", "kubectl-proto", "create", "sa", "x");
        Assert.True(sa.ExitCode == 0, sa.ToString());
        Assert.Contains("serviceaccount/x created", sa.Stdout);
        Assert.NotNull(_fx.Server.Store.Get("serviceaccounts", "kubectl-proto", "x"));
        var secret = await Run("-n", "kubectl-proto", "create", "secret", "generic", "creds", "--from-literal=user=admin", "--from-literal=pass=s3cret");
        Assert.True(secret.ExitCode == 0, secret.ToString());
        var stored = _fx.Server.Store.Get("secrets", "kubectl-proto", "creds")!;
        Assert.Equal("Opaque", stored["type"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String("admin"u8.ToArray()), stored["data"]!["user"]!.GetValue<string>());
        var cm = await Run("-n", "kubectl-proto", "create", "configmap", "settings", "--from-literal=mode=fast");
        Assert.True(cm.ExitCode == 0, cm.ToString());
        Assert.Equal("fast", _fx.Server.Store.Get("configmaps", "kubectl-proto", "settings")!["data"]!["mode"]!.GetValue<string>());
        Assert.Contains(_fx.Server.Requests.Snapshot(), r => r.Method == "POST" && r.Path == "/api/v1/namespaces/kubectl-proto/serviceaccounts" && r.Status == 201);
    }

    [Fact]
    public async Task Create_role_rolebinding_clusterrole_and_clusterrolebinding_with_kubectls_protobuf_bodies()
    {
        await _fx.Client.CreateNamespaceAsync("kubectl-rbac");
        var role = await Run("-n", "kubectl-rbac", "create", "role", "pod-reader", "--verb=get,list", "--resource=pods", "--resource-name=web");
        Assert.True(role.ExitCode == 0, role.ToString());
        var rule = _fx.Server.Store.Get("roles", "kubectl-rbac", "pod-reader")!["rules"]![0]!;
        Assert.Equal("[\"get\",\"list\"]", rule["verbs"]!.ToJsonString());
        Assert.Equal("[\"\"]", rule["apiGroups"]!.ToJsonString());
        Assert.Equal("[\"pods\"]", rule["resources"]!.ToJsonString());
        Assert.Equal("[\"web\"]", rule["resourceNames"]!.ToJsonString());

        var rb = await Run("-n", "kubectl-rbac", "create", "rolebinding", "read-pods", "--role=pod-reader", "--serviceaccount=kubectl-rbac:default", "--group=devs");
        Assert.True(rb.ExitCode == 0, rb.ToString());
        var binding = _fx.Server.Store.Get("rolebindings", "kubectl-rbac", "read-pods")!;
        Assert.Equal("{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"pod-reader\"}", binding["roleRef"]!.ToJsonString());
        Assert.Contains(binding["subjects"]!.AsArray(), x => x!["kind"]!.GetValue<string>() == "ServiceAccount" && x["namespace"]!.GetValue<string>() == "kubectl-rbac");
        Assert.Contains(binding["subjects"]!.AsArray(), x => x!["kind"]!.GetValue<string>() == "Group" && x["apiGroup"]!.GetValue<string>() == "rbac.authorization.k8s.io");

        var cr = await Run("create", "clusterrole", "kubectl-node-reader", "--verb=get,list,watch", "--resource=nodes");
        Assert.True(cr.ExitCode == 0, cr.ToString());
        var agg = await Run("create", "clusterrole", "kubectl-aggregate", "--aggregation-rule=team=kubectl");
        Assert.True(agg.ExitCode == 0, agg.ToString());
        Assert.Equal("{\"team\":\"kubectl\"}", _fx.Server.Store.Get("clusterroles", null, "kubectl-aggregate")!["aggregationRule"]!["clusterRoleSelectors"]![0]!["matchLabels"]!.ToJsonString());
        var crb = await Run("create", "clusterrolebinding", "kubectl-node-readers", "--clusterrole=kubectl-node-reader", "--user=alice");
        Assert.True(crb.ExitCode == 0, crb.ToString());
        Assert.Equal("alice", _fx.Server.Store.Get("clusterrolebindings", null, "kubectl-node-readers")!["subjects"]![0]!["name"]!.GetValue<string>());

        // The ServiceAccount the rolebinding names can now do what the role says.
        var can = await Run("auth", "can-i", "get", "pods/web", "-n", "kubectl-rbac", "--as=system:serviceaccount:kubectl-rbac:default");
        Assert.Equal("yes", can.Stdout.Trim());
    }

    [Fact]
    public async Task Get_nodes_prints_the_node_table()
    {
        var r = await Run("get", "nodes");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^NAME +STATUS +ROLES +AGE +VERSION$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^sandbox-control-plane +Ready +control-plane +\\S+ +v1\\.33\\.0$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, "^sandbox-worker +Ready +<none> +\\S+ +v1\\.33\\.0$"));
    }

    // ---- manifests with validation: /openapi/v3 and server-side field validation.

    [Fact]
    public async Task Apply_twice_with_validation_creates_then_patches_with_the_last_applied_configuration()
    {
        await _fx.Client.CreateNamespaceAsync("kubectl-apply");
        var manifest = Path.Combine(_dir.FullName, "apply.yaml");
        const string First = """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: applied
              namespace: kubectl-apply
              labels: {tier: one}
            automountServiceAccountToken: false
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: applied-role, namespace: kubectl-apply}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [get]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: applied-binding, namespace: kubectl-apply}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: applied-role}
            subjects:
            - {kind: ServiceAccount, name: applied, namespace: kubectl-apply}
            """;
        await File.WriteAllTextAsync(manifest, First);
        var mark = _fx.Server.Requests.Count;
        var first = await Run("apply", "-f", manifest);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("serviceaccount/applied created", first.Stdout);
        Assert.Contains("role.rbac.authorization.k8s.io/applied-role created", first.Stdout);
        Assert.Contains("rolebinding.rbac.authorization.k8s.io/applied-binding created", first.Stdout);
        var sa = _fx.Server.Store.Get("serviceaccounts", "kubectl-apply", "applied")!;
        var lastApplied = JsonNode.Parse(sa["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]!.GetValue<string>())!;
        Assert.Equal("one", lastApplied["metadata"]!["labels"]!["tier"]!.GetValue<string>());

        await File.WriteAllTextAsync(manifest, First.Replace("{tier: one}", "{tier: two, team: ops}").Replace("verbs: [get]", "verbs: [get, list]"));
        var second = await Run("apply", "-f", manifest);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("serviceaccount/applied configured", second.Stdout);
        Assert.Contains("role.rbac.authorization.k8s.io/applied-role configured", second.Stdout);
        Assert.Contains("rolebinding.rbac.authorization.k8s.io/applied-binding unchanged", second.Stdout);
        sa = _fx.Server.Store.Get("serviceaccounts", "kubectl-apply", "applied")!;
        Assert.Equal("{\"team\":\"ops\",\"tier\":\"two\"}", sa["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("[\"get\",\"list\"]", _fx.Server.Store.Get("roles", "kubectl-apply", "applied-role")!["rules"]![0]!["verbs"]!.ToJsonString());

        var requests = _fx.Server.Requests.Snapshot().Skip(mark).ToList();
        Assert.Contains(requests, r => r.Path == "/openapi/v3" && r.Status == 200);
        Assert.Contains(requests, r => r.Method == "POST" && r.Path == "/api/v1/namespaces/kubectl-apply/serviceaccounts" && r.Query.Contains("fieldValidation=Strict"));
        Assert.Contains(requests, r => r.Method == "PATCH" && r.Path == "/api/v1/namespaces/kubectl-apply/serviceaccounts/applied" && r.Status == 200 && r.Query.Contains("fieldValidation=Strict"));
    }

    [Fact]
    public async Task Create_f_refuses_an_unknown_field_with_the_servers_strict_decoding_error()
    {
        await _fx.Client.CreateNamespaceAsync("kubectl-strict");
        var manifest = Path.Combine(_dir.FullName, "bad.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: bad, namespace: kubectl-strict}
            automountServiceAccountToken: false
            bogus: 1
            """);
        var strict = await Run("create", "-f", manifest);
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("ServiceAccount in version \"v1\" cannot be handled as a ServiceAccount: strict decoding error: unknown field \"bogus\"", strict.Stderr);
        Assert.Null(_fx.Server.Store.Get("serviceaccounts", "kubectl-strict", "bad"));

        var warn = await Run("create", "--validate=warn", "-f", manifest);
        Assert.True(warn.ExitCode == 0, warn.ToString());
        Assert.Contains("Warning: unknown field \"bogus\"", warn.Stderr);
        Assert.NotNull(_fx.Server.Store.Get("serviceaccounts", "kubectl-strict", "bad"));
    }

    [Fact]
    public async Task Explain_reads_the_openapi_v3_schema()
    {
        var r = await Run("explain", "serviceaccount.automountServiceAccountToken");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("FIELD: automountServiceAccountToken <boolean>", r.Stdout);
    }

    [Fact]
    public async Task Logs_of_a_running_pod_are_plain_text()
    {
        _fx.Server.PodLogs.Append("shop", "debug-shell", "app", "listening on :8080");
        var r = await Run("logs", "-n", "shop", "debug-shell");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("container app started (registry.example.com/app:1.0)\nlistening on :8080\n", r.Stdout);
        var tail = await Run("logs", "-n", "shop", "debug-shell", "--tail=1");
        Assert.Equal("listening on :8080\n", tail.Stdout);

        // A pod created through the API is never scheduled in the sandbox.
        await _fx.Client.CreateNamespaceAsync("kubectl-logs");
        var pod = await _fx.Client.PostAsync2("/api/v1/namespaces/kubectl-logs/pods", Api.Obj("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"pending\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx\"}]}}"));
        Assert.Equal(System.Net.HttpStatusCode.Created, pod.Status);
        var pending = await Run("logs", "-n", "kubectl-logs", "pending");
        Assert.NotEqual(0, pending.ExitCode);
        Assert.Contains("pod pending does not have a host assigned", pending.Stderr);
    }

    private static string Base64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        b += new string('=', (4 - b.Length % 4) % 4);
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(b));
    }
}
