using SaTools.Engine.Rbac;
using static SaTools.Tests.Rbac.Rbac;

namespace SaTools.Tests.Rbac;

/// <summary>"Beyond the baseline": the engine's table of default group bindings is the bootstrap policy's, and a
/// ServiceAccount with only those has nothing beyond it.</summary>
public sealed class BaselinePermissionsTableTests
{
    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "bootstrap-policy");

    private static RbacSnapshot Bootstrap(params string[] extra) =>
        RbacSnapshot.Combine(
            Directory.GetFiles(DataDirectory, "*.yaml").OrderBy(f => f, StringComparer.Ordinal).Select(RbacManifestLoader.LoadFile)
                .Append(RbacManifestLoader.LoadText(Docs(extra))));

    [Fact]
    public void TheTableIsTheBootstrapPolicysBroadGroupBindings()
    {
        var text = File.ReadAllText(Path.Combine(DataDirectory, "cluster-role-bindings.yaml"));
        var fromPolicy = k8s.KubernetesYaml.Deserialize<k8s.Models.V1ClusterRoleBindingList>(text).Items
            .SelectMany(b => (b.Subjects ?? new List<k8s.Models.Rbacv1Subject>()).Where(s => s.Kind == "Group" && BaselinePermissions.IsBroadGroup(s.Name))
                .Select(s => $"{b.Metadata.Name}:{b.RoleRef.Name}:{s.Name}"))
            .OrderBy(x => x, StringComparer.Ordinal);
        var table = BootstrapPolicy.DefaultGroupBindings.SelectMany(b => b.Value.Select(g => $"{b.Key}:{b.Key}:{g}")).OrderBy(x => x, StringComparer.Ordinal);
        Assert.Equal(fromPolicy, table);
    }

    [Fact]
    public void ANewServiceAccountHasNothingBeyondTheBaseline()
    {
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap(ServiceAccount("team", "fresh"))));
        Assert.NotEmpty(evaluator.GetGrants(new ServiceAccountRef("team", "fresh")));
        Assert.False(BaselinePermissions.NeedsToken(evaluator, new ServiceAccountRef("team", "fresh")));
    }

    [Fact]
    public void ADirectBindingOrANamespaceGroupBindingIsBeyond()
    {
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap(
            ServiceAccount("team", "a"), ServiceAccount("team", "b"), ServiceAccount("other", "c"),
            RoleBinding("team", "a-view", "ClusterRole", "view", Sa("a", "team")),
            RoleBinding("team", "all-view", "ClusterRole", "view", Group("system:serviceaccounts:team")),
            RoleBinding("team", "missing", "Role", "nope", Sa("c", "other")))));
        Assert.Equal(new[] { "a-view", "all-view" }, BaselinePermissions.BeyondBaseline(evaluator, new ServiceAccountRef("team", "a")).Select(g => g.BindingName).Distinct());
        Assert.True(BaselinePermissions.NeedsToken(evaluator, new ServiceAccountRef("team", "b")));
        Assert.False(BaselinePermissions.NeedsToken(evaluator, new ServiceAccountRef("other", "c")));   // a missing role grants nothing
    }

    [Theory]
    [InlineData("ClusterRole", "system:discovery", "system:authenticated", true)]
    [InlineData("ClusterRole", "system:discovery", "system:unauthenticated", false)]
    [InlineData("ClusterRole", "system:public-info-viewer", "system:unauthenticated", true)]
    [InlineData("ClusterRole", "view", "system:authenticated", false)]
    [InlineData("Role", "system:discovery", "system:authenticated", false)]
    public void DefaultGroupBindings(string kind, string role, string group, bool expected) =>
        Assert.Equal(expected, BootstrapPolicy.IsDefaultGroupBinding(kind, role, group));
}
