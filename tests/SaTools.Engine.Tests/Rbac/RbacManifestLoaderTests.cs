using SaTools.Engine.Rbac;

namespace SaTools.Tests.Rbac;

public sealed class RbacManifestLoaderTests
{
    private const string JsonList = """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "app"},
           "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]},
          {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "b", "namespace": "app"},
           "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
           "subjects": [{"kind": "ServiceAccount", "name": "sa"}]},
          {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa", "namespace": "app"}},
          {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ignored", "namespace": "app"}, "data": {"a": "b"}},
          {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "ignored"}}
        ]}
        """;

    [Fact]
    public void JsonListIsRead()
    {
        var snapshot = RbacManifestLoader.LoadText(JsonList);
        AssertAppState(snapshot);
    }

    [Fact]
    public void JsonArrayAndTypedListsAreRead()
    {
        var typed = """{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleList", "items": [{"metadata": {"name": "c"}, "kind": "ClusterRole", "rules": []}]}""";
        Assert.Equal(1, RbacManifestLoader.LoadText(typed).ClusterRoleCount);
        Assert.Equal(1, RbacManifestLoader.LoadText("[" + typed + "]").ClusterRoleCount);
    }

    [Fact]
    public void SeveralJsonDocumentsInOneFileAreRead()
    {
        // kubectl get roles -A -o json >> dump.json; kubectl get clusterroles -o json >> dump.json
        var typed = """{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleList", "items": [{"metadata": {"name": "c"}, "kind": "ClusterRole", "rules": []}]}""";
        var snapshot = RbacManifestLoader.LoadText(JsonList + "\n" + typed + "\n");
        Assert.Equal(1, snapshot.ClusterRoleCount);
        Assert.Equal(1, snapshot.RoleCount);
        Assert.Equal(1, snapshot.RoleBindingCount);
        Assert.Equal(1, snapshot.ServiceAccountCount);

        var broken = Assert.Throws<RbacManifestException>(() => RbacManifestLoader.LoadText(JsonList + "\n{\"kind\": "));
        Assert.Contains("Not valid JSON", broken.Message);
    }

    [Fact]
    public void YamlDocumentsAndYamlListsAreRead()
    {
        const string yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: rbac.authorization.k8s.io/v1
              kind: Role
              metadata:
                name: r
                namespace: app
              rules:
              - apiGroups: [""]
                resources: [pods]
                verbs: [get]
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: ignored, namespace: app}
            ---
            # a comment
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: b, namespace: app}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
            subjects:
            - kind: ServiceAccount
              name: sa
            --- # trailing comment
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: sa
              namespace: app
              labels: {"enabled": "true"}
            automountServiceAccountToken: false
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: ignored}
            """;
        AssertAppState(RbacManifestLoader.LoadText(yaml));
    }

    [Fact]
    public void FilesAreMerged()
    {
        var dir = Directory.CreateTempSubdirectory("satools-rbac-");
        try
        {
            var a = Path.Combine(dir.FullName, "a.json");
            var b = Path.Combine(dir.FullName, "b.yaml");
            File.WriteAllText(a, JsonList);
            File.WriteAllText(b, Rbac.ClusterRole("c", Rbac.Rule("get", "", "pods")));
            var snapshot = RbacManifestLoader.LoadFiles(new[] { a, b });
            Assert.Equal(1, snapshot.RoleCount);
            Assert.Equal(1, snapshot.ClusterRoleCount);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void BadInputGivesAClearError()
    {
        var json = Assert.Throws<RbacManifestException>(() => RbacManifestLoader.LoadText("{\"kind\": \"Role\", "));
        Assert.Contains("JSON", json.Message, StringComparison.Ordinal);
        var yaml = Assert.Throws<RbacManifestException>(() => RbacManifestLoader.LoadText("kind: Role\nmetadata: {name: [\n"));
        Assert.Contains("YAML", yaml.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<RbacManifestException>(() => RbacManifestLoader.LoadFile("/nonexistent/dump.yaml"));
        Assert.Contains("/nonexistent/dump.yaml", missing.Message, StringComparison.Ordinal);
    }

    private static void AssertAppState(RbacSnapshot snapshot)
    {
        Assert.Equal(1, snapshot.RoleCount);
        Assert.Equal(1, snapshot.RoleBindingCount);
        Assert.Equal(1, snapshot.ServiceAccountCount);
        Assert.Equal(0, snapshot.ClusterRoleCount);
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(snapshot));
        Assert.True(evaluator.IsAllowed(new ServiceAccountRef("app", "sa"), RbacRequest.ForResource("get", "pods", ns: "app")));
    }
}
