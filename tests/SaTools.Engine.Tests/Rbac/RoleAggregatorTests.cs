using SaTools.Engine.Rbac;
using static SaTools.Tests.Rbac.Rbac;

namespace SaTools.Tests.Rbac;

public sealed class RoleAggregatorTests
{
    private static List<EffectiveGrant> GrantsOf(string role, params string[] docs)
    {
        var all = docs.Append(ClusterRoleBinding("crb", role, Sa("sa", "app"))).ToArray();
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(RbacManifestLoader.LoadText(Docs(all))));
        return evaluator.GetGrants(new ServiceAccountRef("app", "sa")).ToList();
    }

    private static readonly Dictionary<string, string> Team = new() { ["team"] = "a" };

    [Fact]
    public void StoredRulesOfAnAggregatedRoleAreReplaced()
    {
        // The controller overwrites rules with the union of the selected roles' rules.
        var grants = GrantsOf("agg",
            AggregatedClusterRole("agg", new[] { "{matchLabels: {team: a}}" }, Rule("delete", "", "pods")),
            ClusterRole("part", Team, Rule("get", "", "pods")));

        var grant = Assert.Single(grants);
        Assert.Equal(new[] { "get" }, grant.Verbs);
        Assert.Equal("part", grant.AggregatedFrom);
    }

    [Fact]
    public void EqualRulesAreKeptOnceInNameOrder()
    {
        var grants = GrantsOf("agg",
            AggregatedClusterRole("agg", new[] { "{matchLabels: {team: a}}" }),
            ClusterRole("z-part", Team, Rule("get", "", "pods"), Rule("list", "", "pods")),
            ClusterRole("a-part", Team, Rule("get", "", "pods")));

        Assert.Equal(2, grants.Count);
        Assert.Equal(new[] { "a-part", "z-part" }, grants.Select(g => g.AggregatedFrom));
        Assert.Equal(new[] { "get", "list" }, grants.Select(g => g.Verbs[0]));
    }

    [Fact]
    public void ARoleDoesNotAggregateItself()
    {
        var grants = GrantsOf("agg",
            AggregatedClusterRole("agg", new[] { "{matchLabels: {team: a}}" }).Replace("name: \"agg\"", "name: \"agg\", labels: {team: a}"),
            ClusterRole("part", Team, Rule("get", "", "pods")));

        Assert.Equal("part", Assert.Single(grants).AggregatedFrom);
    }

    [Fact]
    public void AnEmptySelectorSelectsEveryOtherRole()
    {
        var grants = GrantsOf("agg",
            AggregatedClusterRole("agg", new[] { "{}" }),
            ClusterRole("one", Rule("get", "", "pods")),
            ClusterRole("two", Rule("get", "", "services")));

        Assert.Equal(new[] { "one", "two" }, grants.Select(g => g.AggregatedFrom));
    }

    [Fact]
    public void AnUnknownOperatorSelectsNothing()
    {
        var grants = GrantsOf("agg",
            AggregatedClusterRole("agg", new[] { "{matchExpressions: [{key: team, operator: Contains, values: [a]}]}" }),
            ClusterRole("part", Team, Rule("get", "", "pods")));

        Assert.Empty(grants);
    }

    [Theory]
    [InlineData("{matchExpressions: [{key: team, operator: Contains, values: [a]}]}")]
    [InlineData("{matchExpressions: [{key: team, operator: NotIn, values: []}]}")]
    [InlineData("{matchExpressions: [{key: team, operator: Exists, values: [a]}]}")]
    [InlineData("{matchLabels: {team: a}}, {matchExpressions: [{key: team, operator: In}]}")] // one bad selector of two
    public void AnInvalidSelectorLeavesTheStoredRules(string selectors)
    {
        // The controller's syncClusterRole stops at LabelSelectorAsSelector's error and never updates the role.
        var grants = GrantsOf("agg",
            AggregatedClusterRole("agg", new[] { selectors }, Rule("list", "", "configmaps")),
            ClusterRole("part", Team, Rule("get", "", "pods")));

        var grant = Assert.Single(grants);
        Assert.Equal("configmaps", Assert.Single(grant.Resources));
        Assert.Null(grant.AggregatedFrom);
    }

    [Fact]
    public void AggregationCyclesTerminate()
    {
        var grants = GrantsOf("x",
            AggregatedClusterRole("x", new[] { "{matchLabels: {ring: y}}" }).Replace("name: \"x\"", "name: \"x\", labels: {ring: x}"),
            AggregatedClusterRole("y", new[] { "{matchLabels: {ring: x}}" }).Replace("name: \"y\"", "name: \"y\", labels: {ring: y}"),
            ClusterRole("leaf", new Dictionary<string, string> { ["ring"] = "y" }, Rule("get", "", "pods")));

        Assert.Equal("leaf", Assert.Single(grants).AggregatedFrom);
    }
}
