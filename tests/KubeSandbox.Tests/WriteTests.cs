using System.Net;
using System.Text.Json.Nodes;

namespace KubeSandbox.Tests;

/// <summary>Create, update (resourceVersion conflicts), the three patch types, delete and their recorded errors.</summary>
public sealed class WriteTests : IClassFixture<BootstrapSandbox>
{
    private readonly BootstrapSandbox _fx;
    public WriteTests(BootstrapSandbox fx) => _fx = fx;
    private HttpClient C => _fx.Client;

    private async Task<string> Ns(string name)
    {
        await C.CreateNamespaceAsync(name);
        return name;
    }

    [Fact]
    public async Task Create_sets_system_fields_and_one_global_resource_version()
    {
        var ns = await Ns("write-create");
        var a = await C.PostAsync2($"/api/v1/namespaces/{ns}/serviceaccounts", Api.Obj("""{"metadata":{"name":"a"}}"""));
        var b = await C.PostAsync2($"/api/v1/namespaces/{ns}/configmaps", Api.Obj("""{"metadata":{"name":"b"},"data":{"k":"v"}}"""));
        Assert.Equal(HttpStatusCode.Created, a.Status);
        var am = a.Object["metadata"]!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", am["uid"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", am["creationTimestamp"]!.GetValue<string>());
        Assert.Equal("ServiceAccount", a.Object["kind"]!.GetValue<string>());
        Assert.Equal("v1", a.Object["apiVersion"]!.GetValue<string>());
        Assert.True(long.Parse(b.Object["metadata"]!["resourceVersion"]!.GetValue<string>()) > long.Parse(am["resourceVersion"]!.GetValue<string>()));
        Assert.Null(am["generation"]); // v1.26 sets no generation on these kinds
    }

    [Fact]
    public async Task Secrets_fold_stringData_into_data_and_default_their_type()
    {
        var ns = await Ns("write-secret");
        var r = await C.PostAsync2($"/api/v1/namespaces/{ns}/secrets", Api.Obj("""{"metadata":{"name":"s"},"stringData":{"k":"v"}}"""));
        Assert.Equal("dg==", r.Object["data"]!["k"]!.GetValue<string>());
        Assert.Equal("Opaque", r.Object["type"]!.GetValue<string>());
        Assert.Null(r.Object["stringData"]);
    }

    [Fact]
    public async Task Put_with_a_stale_resource_version_is_409_and_without_one_it_wins()
    {
        var ns = await Ns("write-put");
        await C.CreateServiceAccountAsync(ns, "app");
        var stale = (await C.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app")).Object["metadata"]!["resourceVersion"]!.GetValue<string>();
        await C.PatchAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app", Api.Obj("""{"metadata":{"labels":{"x":"1"}}}"""), "application/merge-patch+json");
        var conflict = await C.PutAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app",
            Api.Obj($$"""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"app","resourceVersion":"{{stale}}"},"automountServiceAccountToken":true}"""));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal("Conflict", conflict.Reason);
        Assert.Equal("Operation cannot be fulfilled on serviceaccounts \"app\": the object has been modified; please apply your changes to the latest version and try again", conflict.Message);
        var ok = await C.PutAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app",
            Api.Obj("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"app"},"automountServiceAccountToken":true}"""));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.True(ok.Object["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.Null(ok.Object["metadata"]!["labels"]); // PUT replaces
        var mismatch = await C.PutAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app", Api.Obj("""{"metadata":{"name":"other"}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.Status);
        Assert.Equal("the name of the object (other) does not match the name on the URL (app)", mismatch.Message);
    }

    [Fact]
    public async Task A_write_that_changes_nothing_keeps_the_resource_version()
    {
        var ns = await Ns("write-noop");
        await C.CreateServiceAccountAsync(ns, "app");
        var before = (await C.GetAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app")).Object["metadata"]!["resourceVersion"]!.GetValue<string>();
        var after = await C.PatchAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app", Api.Obj("{}"), "application/merge-patch+json");
        Assert.Equal(before, after.Object["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Merge_strategic_and_json_patches()
    {
        var ns = await Ns("write-patch");
        await C.CreateServiceAccountAsync(ns, "app", ",\"secrets\":[{\"name\":\"a\"}],\"imagePullSecrets\":[{\"name\":\"p1\"}]");
        var path = $"/api/v1/namespaces/{ns}/serviceaccounts/app";
        // merge patch replaces lists
        var merge = await C.PatchAsync2(path, Api.Obj("""{"secrets":[{"name":"b"}],"metadata":{"labels":{"l":"1"}}}"""), "application/merge-patch+json");
        Assert.Equal(new[] { "b" }, merge.Object["secrets"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        // strategic merge patch merges ServiceAccount.secrets by name, replaces imagePullSecrets
        var smp = await C.PatchAsync2(path, Api.Obj("""{"secrets":[{"name":"c"}],"imagePullSecrets":[{"name":"p2"}]}"""), "application/strategic-merge-patch+json");
        Assert.Equal(new[] { "b", "c" }, smp.Object["secrets"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal(new[] { "p2" }, smp.Object["imagePullSecrets"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        var del = await C.PatchAsync2(path, Api.Obj("""{"secrets":[{"name":"b","$patch":"delete"}]}"""), "application/strategic-merge-patch+json");
        Assert.Equal(new[] { "c" }, del.Object["secrets"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        // json patch with a passing test op
        var jp = await C.PatchAsync2(path, JsonNode.Parse("""[{"op":"test","path":"/metadata/labels/l","value":"1"},{"op":"add","path":"/automountServiceAccountToken","value":false}]""")!, "application/json-patch+json");
        Assert.Equal(HttpStatusCode.OK, jp.Status);
        Assert.False(jp.Object["automountServiceAccountToken"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("application/json-patch+json", """[{"op":"test","path":"/automountServiceAccountToken","value":true}]""", 422, "the server rejected our request due to an error in our request")]
    [InlineData("application/json-patch+json", """[{"op":"replace","path":"/spec/nothing","value":1}]""", 422, "the server rejected our request due to an error in our request")]
    [InlineData("application/json-patch+json", """{"op":"replace"}""", 400, "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp")]
    [InlineData("application/xml", """{"a":1}""", 415, "415: Unsupported Media Type")]
    public async Task Patch_errors_as_recorded(string contentType, string body, int code, string message)
    {
        var ns = "write-patch-errors-" + code + "-" + Math.Abs(body.GetHashCode() % 1000);
        await C.CreateNamespaceAsync(ns);
        await C.CreateServiceAccountAsync(ns, "app", ",\"automountServiceAccountToken\":false");
        var r = await C.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/serviceaccounts/app", body, contentType);
        Assert.Equal(code, r.Code);
        Assert.Equal(message, r.Message);
    }

    [Fact]
    public async Task A_merge_patch_of_the_wrong_type_is_422()
    {
        var ns = await Ns("write-patch-type");
        await C.CreateServiceAccountAsync(ns, "app");
        var r = await C.PatchAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app", Api.Obj("""{"automountServiceAccountToken":"yes"}"""), "application/merge-patch+json");
        Assert.Equal(422, r.Code);
        Assert.EndsWith("json: cannot unmarshal string into Go struct field ServiceAccount.automountServiceAccountToken of type bool", r.Message);
        Assert.Equal("patch", r.Object["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_errors_as_recorded()
    {
        var ns = await Ns("write-create-errors");
        await C.CreateServiceAccountAsync(ns, "app");
        var dup = await C.PostAsync2($"/api/v1/namespaces/{ns}/serviceaccounts", Api.Obj("""{"metadata":{"name":"app"}}"""));
        Assert.Equal((409, "serviceaccounts \"app\" already exists", "AlreadyExists"), (dup.Code, dup.Message, dup.Reason));
        var bad = await C.PostAsync2($"/api/v1/namespaces/{ns}/serviceaccounts", Api.Obj("""{"metadata":{"name":"Bad_Name"}}"""));
        Assert.Equal(422, bad.Code);
        Assert.StartsWith("ServiceAccount \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain", bad.Message);
        Assert.Equal("metadata.name", bad.Object["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        var missingNs = await C.PostAsync2("/api/v1/namespaces/no-such-ns/serviceaccounts", Api.Obj("""{"metadata":{"name":"x"}}"""));
        Assert.Equal((404, "namespaces \"no-such-ns\" not found"), (missingNs.Code, missingNs.Message));
        var malformed = await C.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/serviceaccounts", "{not json");
        Assert.Equal("the object provided is unrecognized (must be of type ServiceAccount): couldn't get version/kind; json parse error: invalid character 'n' looking for beginning of object key string ({not json)", malformed.Message);
        var kind = await C.PostAsync2($"/api/v1/namespaces/{ns}/serviceaccounts", Api.Obj("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"""));
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ServiceAccount: converting (v1.ConfigMap) to (core.ServiceAccount): unknown conversion", kind.Message);
        var nsMismatch = await C.PostAsync2($"/api/v1/namespaces/{ns}/serviceaccounts", Api.Obj("""{"metadata":{"name":"x","namespace":"other"}}"""));
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", nsMismatch.Message);
        var text = await C.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/serviceaccounts", "name: x", "text/plain");
        Assert.Equal(415, text.Code);
        var yaml = await C.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/serviceaccounts", "metadata:\n  name: from-yaml\nautomountServiceAccountToken: false\n", "application/yaml");
        Assert.Equal(201, yaml.Code);
        Assert.False(yaml.Object["automountServiceAccountToken"]!.GetValue<bool>());
        var gen = await C.PostAsync2($"/api/v1/namespaces/{ns}/configmaps", Api.Obj("""{"metadata":{"generateName":"cm-"}}"""));
        Assert.Matches("^cm-[a-z0-9]{5}$", gen.Object["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rbac_validation_messages()
    {
        var ns = await Ns("write-rbac");
        var noVerbs = await C.PostAsync2($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", Api.Obj("""{"metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":[]}]}"""));
        Assert.Equal("Role.rbac.authorization.k8s.io \"r\" is invalid: rules[0].verbs: Required value: verbs must contain at least one value", noVerbs.Message);
        var nonRes = await C.PostAsync2($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", Api.Obj("""{"metadata":{"name":"r"},"rules":[{"nonResourceURLs":["/healthz"],"verbs":["get"]}]}"""));
        Assert.Equal("Role.rbac.authorization.k8s.io \"r\" is invalid: rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs", nonRes.Message);
        var noRef = await C.PostAsync2($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", Api.Obj("""{"metadata":{"name":"b"},"subjects":[{"kind":"ServiceAccount","name":"default","namespace":"x"}]}"""));
        Assert.Equal("RoleBinding.rbac.authorization.k8s.io \"b\" is invalid: [roleRef.kind: Unsupported value: \"\": supported values: \"Role\", \"ClusterRole\", roleRef.name: Required value]", noRef.Message);
        Assert.Equal(2, noRef.Object["details"]!["causes"]!.AsArray().Count);
        var crbSa = await C.PostAsync2("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", Api.Obj("""{"metadata":{"name":"crb"},"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"ServiceAccount","name":"nons"}]}"""));
        Assert.Equal("ClusterRoleBinding.rbac.authorization.k8s.io \"crb\" is invalid: subjects[0].namespace: Required value", crbSa.Message);
        var rb = await C.PostAsync2($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", Api.Obj("""{"metadata":{"name":"ok"},"roleRef":{"kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"jane"}]}"""));
        Assert.Equal(201, rb.Code);
        Assert.Equal("rbac.authorization.k8s.io", rb.Object["roleRef"]!["apiGroup"]!.GetValue<string>());
        Assert.Equal("rbac.authorization.k8s.io", rb.Object["subjects"]![0]!["apiGroup"]!.GetValue<string>());
        var change = await C.PatchAsync2($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings/ok", Api.Obj("""{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"}}"""), "application/merge-patch+json");
        Assert.Equal("RoleBinding.rbac.authorization.k8s.io \"ok\" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef", change.Message);
        var empty = await C.PostAsync2($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", Api.Obj("""{"metadata":{"name":"empty"},"rules":[]}"""));
        Assert.Equal(201, empty.Code);
        Assert.True(empty.Object.ContainsKey("rules"));
        Assert.Null(empty.Object["rules"]); // stored through protobuf: an empty list comes back null
    }

    [Fact]
    public async Task Deletes_answer_as_the_real_registries()
    {
        var ns = await Ns("write-delete");
        await C.CreateServiceAccountAsync(ns, "app");
        var sa = await C.DeleteAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app");
        Assert.Equal("ServiceAccount", sa.Object["kind"]!.GetValue<string>());
        await C.PostAsync2($"/api/v1/namespaces/{ns}/secrets", Api.Obj("""{"metadata":{"name":"s"}}"""));
        var secret = await C.DeleteAsync2($"/api/v1/namespaces/{ns}/secrets/s");
        Assert.Equal("Status", secret.Object["kind"]!.GetValue<string>());
        Assert.Equal("Success", secret.Object["status"]!.GetValue<string>());
        Assert.Equal("secrets", secret.Object["details"]!["kind"]!.GetValue<string>());
        var again = await C.DeleteAsync2($"/api/v1/namespaces/{ns}/secrets/s");
        Assert.Equal((404, "secrets \"s\" not found"), (again.Code, again.Message));
        var pod = await C.PostAsync2($"/api/v1/namespaces/{ns}/pods", Api.Obj("""{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox:1.36"}]}}"""));
        Assert.Equal(201, pod.Code);
        var podDel = await C.DeleteAsync2($"/api/v1/namespaces/{ns}/pods/p");
        Assert.Equal(0, podDel.Object["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<int>());
        Assert.NotNull(podDel.Object["metadata"]!["deletionTimestamp"]);
        var role = await C.PostAsync2($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles", Api.Obj("""{"metadata":{"name":"r"}}"""));
        var roleDel = await C.DeleteAsync2($"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles/r");
        Assert.Equal("rbac.authorization.k8s.io", roleDel.Object["details"]!["group"]!.GetValue<string>());
        Assert.Equal(role.Object["metadata"]!["uid"]!.GetValue<string>(), roleDel.Object["details"]!["uid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Namespaces_kube_system_and_co_cannot_be_deleted_and_others_take_their_content_with_them()
    {
        foreach (var immortal in new[] { "kube-system", "kube-public", "default" })
        {
            var r = await C.DeleteAsync2($"/api/v1/namespaces/{immortal}");
            Assert.Equal((403, $"namespaces \"{immortal}\" is forbidden: this namespace may not be deleted"), (r.Code, r.Message));
        }
        var ns = await Ns("write-ns-delete");
        await C.CreateServiceAccountAsync(ns, "app");
        var del = await C.DeleteAsync2($"/api/v1/namespaces/{ns}");
        Assert.Equal(200, del.Code);
        Assert.Equal("Terminating", del.Object["status"]!["phase"]!.GetValue<string>());
        Assert.Null(_fx.Server.Store.Get("serviceaccounts", ns, "app"));
        Assert.Empty(_fx.Server.Store.List("configmaps", ns));
        Assert.Equal(404, (await C.GetAsync2($"/api/v1/namespaces/{ns}")).Code);
    }

    [Fact]
    public async Task Managed_fields_follow_who_wrote_what()
    {
        var ns = await Ns("write-managed");
        var created = await C.PostAsync2($"/api/v1/namespaces/{ns}/serviceaccounts?fieldManager=creator", Api.Obj("""{"metadata":{"name":"app","labels":{"a":"1"}}}"""));
        var entry = created.Object["metadata"]!["managedFields"]!.AsArray().Single()!;
        Assert.Equal(("creator", "Update", "FieldsV1"), (entry["manager"]!.GetValue<string>(), entry["operation"]!.GetValue<string>(), entry["fieldsType"]!.GetValue<string>()));
        Assert.Equal("""{"f:metadata":{"f:labels":{".":{},"f:a":{}}}}""", entry["fieldsV1"]!.ToJsonString());
        var patched = await C.PatchAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app?fieldManager=patcher", Api.Obj("""{"automountServiceAccountToken":false,"metadata":{"labels":{"a":"2"}}}"""), "application/merge-patch+json");
        var entries = patched.Object["metadata"]!["managedFields"]!.AsArray();
        Assert.Equal(new[] { "creator", "patcher" }, entries.Select(e => e!["manager"]!.GetValue<string>()));
        // the changed label moved to the patcher; the creator keeps the labels map itself
        Assert.Equal("""{"f:metadata":{"f:labels":{".":{}}}}""", entries[0]!["fieldsV1"]!.ToJsonString());
        Assert.Equal("""{"f:automountServiceAccountToken":{},"f:metadata":{"f:labels":{"f:a":{}}}}""", entries[1]!["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public async Task Dry_run_writes_answer_without_storing()
    {
        var ns = await Ns("write-dryrun");
        await C.CreateServiceAccountAsync(ns, "app");
        var before = _fx.Server.Store.GetStored("serviceaccounts", ns, "app")!;
        var patched = await C.PatchAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app?dryRun=All", Api.Obj("""{"automountServiceAccountToken":false}"""), "application/merge-patch+json");
        Assert.Equal(200, patched.Code);
        Assert.False(patched.Object["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.Same(before, _fx.Server.Store.GetStored("serviceaccounts", ns, "app"));
        var created = await C.PostAsync2($"/api/v1/namespaces/{ns}/configmaps?dryRun=All", Api.Obj("""{"metadata":{"name":"cm"}}"""));
        Assert.Equal(201, created.Code);
        Assert.Null(_fx.Server.Store.Get("configmaps", ns, "cm"));
        var deleted = await C.DeleteAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app?dryRun=All");
        Assert.Equal(200, deleted.Code);
        Assert.NotNull(_fx.Server.Store.Get("serviceaccounts", ns, "app"));
        var bad = await C.DeleteAsync2($"/api/v1/namespaces/{ns}/serviceaccounts/app?dryRun=Yes");
        Assert.Equal(400, bad.Code);
    }
}
