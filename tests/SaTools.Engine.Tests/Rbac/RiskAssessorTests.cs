using SaTools.Engine.Rbac;

namespace SaTools.Tests.Rbac;

public sealed class RiskAssessorTests
{
    private static RbacRule R(string verbs, string groups, string resources, string? names = null) =>
        new(verbs.Split(','), groups.Split(','), resources.Split(','), names?.Split(','));

    [Theory]
    [InlineData("get", "", "secrets", RiskFlags.ReadSecrets)]
    [InlineData("list", "", "secrets", RiskFlags.ReadSecrets)]
    [InlineData("watch", "*", "secrets", RiskFlags.ReadSecrets | RiskFlags.Wildcard)]
    [InlineData("create", "", "secrets", RiskFlags.None)]
    [InlineData("get", "apps", "secrets", RiskFlags.None)]
    [InlineData("create", "", "pods", RiskFlags.CreateWorkloads)]
    [InlineData("patch", "apps", "deployments", RiskFlags.CreateWorkloads)]
    [InlineData("create", "batch", "cronjobs", RiskFlags.CreateWorkloads)]
    [InlineData("get,list,watch", "apps", "deployments", RiskFlags.None)]
    [InlineData("create", "", "pods/exec", RiskFlags.ExecIntoPods)]
    [InlineData("get", "", "pods/attach", RiskFlags.ExecIntoPods)]
    [InlineData("create", "", "*/exec", RiskFlags.ExecIntoPods | RiskFlags.Wildcard)]
    [InlineData("impersonate", "", "serviceaccounts", RiskFlags.Impersonate)]
    [InlineData("bind", "rbac.authorization.k8s.io", "clusterroles", RiskFlags.EscalateOrBind)]
    [InlineData("escalate", "rbac.authorization.k8s.io", "roles", RiskFlags.EscalateOrBind)]
    [InlineData("create", "rbac.authorization.k8s.io", "rolebindings", RiskFlags.EscalateOrBind)]
    [InlineData("get", "rbac.authorization.k8s.io", "rolebindings", RiskFlags.None)]
    [InlineData("create", "", "serviceaccounts/token", RiskFlags.CreateTokens)]
    [InlineData("create", "", "serviceaccounts", RiskFlags.None)]
    [InlineData("get", "", "secrets", RiskFlags.ReadSecrets, "one-secret")]
    public void FlagsInANamespace(string verbs, string groups, string resources, RiskFlags expected, string? names = null)
    {
        Assert.Equal(expected, RiskAssessor.FlagsFor(R(verbs, groups, resources, names), clusterScope: false));
    }

    [Fact]
    public void WildcardsCountAsWhatTheyGrant()
    {
        var all = R("*", "*", "*");
        var cluster = RiskAssessor.FlagsFor(all, clusterScope: true);
        var ns = RiskAssessor.FlagsFor(all, clusterScope: false);

        Assert.Equal(
            RiskFlags.ClusterAdmin | RiskFlags.ReadSecrets | RiskFlags.CreateWorkloads | RiskFlags.ExecIntoPods | RiskFlags.Impersonate |
            RiskFlags.EscalateOrBind | RiskFlags.CreateTokens | RiskFlags.NodeProxy | RiskFlags.Wildcard, cluster);
        Assert.False(ns.HasFlag(RiskFlags.ClusterAdmin));
        Assert.False(ns.HasFlag(RiskFlags.NodeProxy));
        Assert.True(ns.HasFlag(RiskFlags.ReadSecrets));
        Assert.True(ns.HasFlag(RiskFlags.Impersonate));
        Assert.True(RiskAssessor.FlagsFor(R("get", "", "*"), false).HasFlag(RiskFlags.ReadSecrets));
        Assert.True(RiskAssessor.FlagsFor(R("*", "", "secrets"), false).HasFlag(RiskFlags.ReadSecrets));
    }

    [Fact]
    public void ScopeLimitsClusterWideRisks()
    {
        Assert.Equal(RiskFlags.NodeProxy, RiskAssessor.FlagsFor(R("get", "", "nodes/proxy"), clusterScope: true));
        Assert.Equal(RiskFlags.None, RiskAssessor.FlagsFor(R("get", "", "nodes/proxy"), clusterScope: false));
        Assert.Equal(RiskFlags.Impersonate, RiskAssessor.FlagsFor(R("impersonate", "", "users,groups"), clusterScope: true));
        Assert.Equal(RiskFlags.None, RiskAssessor.FlagsFor(R("impersonate", "", "users,groups"), clusterScope: false));
        Assert.False(RiskAssessor.FlagsFor(R("*", "", "*"), clusterScope: true).HasFlag(RiskFlags.ClusterAdmin));
    }

    [Fact]
    public void NonResourceRulesOnlyFlagWildcards()
    {
        Assert.Equal(RiskFlags.Wildcard, RiskAssessor.FlagsFor(new RbacRule(new[] { "get" }, nonResourceUrls: new[] { "*" }), true));
        Assert.Equal(RiskFlags.None, RiskAssessor.FlagsFor(new RbacRule(new[] { "get" }, nonResourceUrls: new[] { "/healthz" }), true));
    }

    [Theory]
    [InlineData(RiskFlags.ClusterAdmin | RiskFlags.Wildcard, true, false, RiskLevel.Critical)]
    [InlineData(RiskFlags.NodeProxy, true, false, RiskLevel.Critical)]
    [InlineData(RiskFlags.ReadSecrets, true, false, RiskLevel.Critical)]
    [InlineData(RiskFlags.ReadSecrets, false, false, RiskLevel.High)]
    [InlineData(RiskFlags.CreateTokens, false, false, RiskLevel.High)]
    [InlineData(RiskFlags.EscalateOrBind, true, false, RiskLevel.Critical)]
    [InlineData(RiskFlags.Wildcard, true, false, RiskLevel.Medium)]
    [InlineData(RiskFlags.Wildcard, false, false, RiskLevel.Medium)]
    [InlineData(RiskFlags.None, false, false, RiskLevel.Low)]
    [InlineData(RiskFlags.None, true, true, RiskLevel.None)]
    [InlineData(RiskFlags.ReadSecrets, true, true, RiskLevel.Critical)]
    public void Levels(RiskFlags flags, bool cluster, bool bootstrapDefault, RiskLevel expected)
    {
        Assert.Equal(expected, RiskAssessor.LevelFor(flags, cluster, bootstrapDefault));
    }

    [Fact]
    public void OtherGoodPracticeRisksAreMediumAtClusterScope()
    {
        Assert.NotNull(RiskAssessor.OtherRiskFor(R("create", "", "persistentvolumes"), true));
        Assert.NotNull(RiskAssessor.OtherRiskFor(R("patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations"), true));
        Assert.NotNull(RiskAssessor.OtherRiskFor(R("update", "", "namespaces"), true));
        Assert.NotNull(RiskAssessor.OtherRiskFor(R("update", "certificates.k8s.io", "certificatesigningrequests/approval"), true));
        Assert.Null(RiskAssessor.OtherRiskFor(R("create", "", "persistentvolumes"), false));
        Assert.Null(RiskAssessor.OtherRiskFor(R("get", "", "namespaces"), true));
        Assert.Equal(RiskLevel.Medium, RiskAssessor.LevelFor(RiskFlags.None, true, false, otherRisk: true));
    }

    [Fact]
    public void SummaryTakesTheWorstGrantAndExplainsIt()
    {
        var snapshot = RbacManifestLoader.LoadText(Rbac.Docs(
            Rbac.ClusterRole("admin-all", Rbac.Rule("*", "*", "*")),
            Rbac.RoleBinding("app", "ns-admin", "ClusterRole", "admin-all", Rbac.Sa("sa")),
            Rbac.ClusterRole("reader", Rbac.Rule("get", "", "pods")),
            Rbac.ClusterRoleBinding("read", "reader", Rbac.Sa("sa", "app"))));
        var summary = new EffectivePermissionEvaluator(new RbacIndex(snapshot)).Summarize(new ServiceAccountRef("app", "sa"));

        Assert.Equal(RiskLevel.High, summary.RiskLevel);
        Assert.False(summary.Has(RiskFlags.ClusterAdmin));
        Assert.True(summary.Has(RiskFlags.ReadSecrets | RiskFlags.CreateWorkloads | RiskFlags.Wildcard));
        Assert.Equal(2, summary.GrantCount);
        Assert.Equal(1, summary.ClusterGrantCount);
        Assert.Equal(2, summary.BindingCount);
        Assert.Contains(summary.RiskReasons, r => r.StartsWith("High:", StringComparison.Ordinal) && r.Contains("ns-admin", StringComparison.Ordinal));
    }
}
