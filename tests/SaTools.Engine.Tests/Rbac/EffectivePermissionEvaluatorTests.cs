using SaTools.Engine.Rbac;
using static SaTools.Tests.Rbac.Rbac;

namespace SaTools.Tests.Rbac;

public sealed class EffectivePermissionEvaluatorTests
{
    private static readonly ServiceAccountRef App = new("app", "sa");

    private static EffectivePermissionEvaluator Evaluate(params string[] docs) =>
        new(new RbacIndex(RbacManifestLoader.LoadText(Docs(docs))));

    [Fact]
    public void OneGrantPerRuleWithBindingAndRole()
    {
        var evaluator = Evaluate(
            Role("app", "r", Rule("get,list", "", "pods"), Rule("create", "apps", "deployments")),
            RoleBinding("app", "b", "Role", "r", Sa("sa")));

        var grants = evaluator.GetGrants(App).ToList();

        Assert.Equal(2, grants.Count);
        Assert.All(grants, g =>
        {
            Assert.Equal("app", g.Scope);
            Assert.Equal(BindingKind.RoleBinding, g.BindingKind);
            Assert.Equal("b", g.BindingName);
            Assert.Equal("app", g.BindingNamespace);
            Assert.Equal("Role", g.RoleKind);
            Assert.Equal("r", g.RoleName);
            Assert.Equal(RbacIndex.ServiceAccountVia, g.GrantedVia);
            Assert.Null(g.AggregatedFrom);
        });
        Assert.Equal(new[] { "get", "list" }, grants[0].Verbs);
        Assert.Equal(new[] { "apps" }, grants[1].ApiGroups);
    }

    [Fact]
    public void GrantedViaNamesTheSubjectThatMatched()
    {
        var evaluator = Evaluate(
            ClusterRole("reader", Rule("get", "", "pods")),
            ClusterRoleBinding("by-sa", "reader", Sa("sa", "app")),
            ClusterRoleBinding("by-user", "reader", User("system:serviceaccount:app:sa")),
            ClusterRoleBinding("by-all", "reader", Group("system:serviceaccounts")),
            ClusterRoleBinding("by-ns", "reader", Group("system:serviceaccounts:app")),
            ClusterRoleBinding("by-authn", "reader", Group("system:authenticated")),
            ClusterRoleBinding("by-other", "reader", Group("system:serviceaccounts:other")));

        var via = evaluator.GetGrants(App).ToDictionary(g => g.BindingName, g => g.GrantedVia);

        Assert.Equal(5, via.Count);
        Assert.Equal("ServiceAccount", via["by-sa"]);
        Assert.Equal("User", via["by-user"]);
        Assert.Equal("system:serviceaccounts", via["by-all"]);
        Assert.Equal("system:serviceaccounts:app", via["by-ns"]);
        Assert.Equal("system:authenticated", via["by-authn"]);
    }

    [Fact]
    public void ClusterRoleBindingGrantsComeFirstAndAreClusterScoped()
    {
        var evaluator = Evaluate(
            ClusterRole("reader", Rule("get", "", "pods")),
            RoleBinding("app", "rb", "ClusterRole", "reader", Sa("sa")),
            ClusterRoleBinding("crb", "reader", Sa("sa", "app")));

        var grants = evaluator.GetGrants(App).ToList();

        Assert.Equal(new[] { "Cluster", "app" }, grants.Select(g => g.Scope));
        Assert.True(grants[0].IsClusterScope);
        Assert.Null(grants[0].BindingNamespace);
        Assert.Equal("ClusterRole", grants[1].RoleKind);
    }

    [Fact]
    public void MissingRolesGiveOneRowAndAreListed()
    {
        var evaluator = Evaluate(
            RoleBinding("app", "dangling", "Role", "gone", Sa("sa")),
            ClusterRoleBinding("dangling-crb", "gone-too", Group("system:serviceaccounts")),
            ClusterRoleBinding("unrelated", "gone-three", User("alice")));

        var grants = evaluator.GetGrants(App).ToList();

        Assert.Equal(2, grants.Count);
        Assert.All(grants, g =>
        {
            Assert.True(g.IsMissingRole);
            Assert.Null(g.Rule);
            Assert.Empty(g.Verbs);
            Assert.Equal(RiskLevel.None, g.RiskLevel);
        });
        Assert.Contains(grants, g => g.RoleName == "gone" && g.RoleKind == "Role");
        Assert.Equal(3, evaluator.Index.MissingRoles.Count);
        Assert.Contains(evaluator.Index.MissingRoles, m => m.BindingName == "unrelated" && m.RoleName == "gone-three");

        var summary = evaluator.Summarize(App);
        Assert.Equal(2, summary.MissingRoleCount);
        Assert.Equal(0, summary.GrantCount);
    }

    [Fact]
    public void EachSummaryCountsItsOwnBindings()
    {
        // The set a summary counts bindings in is reused from one summary to the next on a thread: a count must not
        // carry over, and one binding reached twice (its ServiceAccount subject and its User subject) counts once.
        var evaluator = Evaluate(
            ClusterRole("reader", Rule("get", "", "pods")),
            RoleBinding("app", "one", "ClusterRole", "reader", Sa("sa")),
            RoleBinding("app", "two", "ClusterRole", "reader", Sa("sa"), User("system:serviceaccount:app:sa")),
            RoleBinding("app", "three", "ClusterRole", "reader", Sa("sa")),
            RoleBinding("app", "solo", "ClusterRole", "reader", Sa("other")));
        var many = new ServiceAccountRef("app", "sa");
        var few = new ServiceAccountRef("app", "other");

        Assert.Equal((3, 4), (evaluator.Summarize(many).BindingCount, evaluator.Summarize(many).GrantCount));
        Assert.Equal(1, evaluator.Summarize(few).BindingCount);
        Assert.Equal(0, evaluator.Summarize(new ServiceAccountRef("app", "nobody")).BindingCount);

        // And on many threads at once (EffectivePermissionReader summarizes on two).
        var counts = new int[400];
        Parallel.For(0, counts.Length, i => counts[i] = evaluator.Summarize(i % 2 == 0 ? many : few).BindingCount);
        Assert.All(counts.Select((count, i) => (count, i)), c => Assert.Equal(c.i % 2 == 0 ? 3 : 1, c.count));
    }

    [Fact]
    public void MissingRolesAreLeftOutWhenAskingAboutARequest()
    {
        var evaluator = Evaluate(RoleBinding("app", "dangling", "Role", "gone", Sa("sa")));
        Assert.Empty(evaluator.GetGrants(App, new PermissionFilter { Verb = "get" }));
        Assert.Single(evaluator.GetGrants(App, new PermissionFilter { Scope = "app" }));
    }

    [Fact]
    public void ScopeFilterKeepsClusterGrantsForANamespace()
    {
        var evaluator = Evaluate(
            ClusterRole("secret-reader", Rule("get", "", "secrets")),
            ClusterRoleBinding("everywhere", "secret-reader", Sa("sa", "app")),
            RoleBinding("prod", "in-prod", "ClusterRole", "secret-reader", Sa("sa", "app")),
            RoleBinding("dev", "in-dev", "ClusterRole", "secret-reader", Sa("sa", "app")));

        var prod = evaluator.GetGrants(App, new PermissionFilter { Verb = "get", Resource = "secrets", Scope = "prod" }).Select(g => g.BindingName).ToList();
        var cluster = evaluator.GetGrants(App, new PermissionFilter { Verb = "get", Resource = "secrets", Scope = "Cluster" }).Select(g => g.BindingName).ToList();
        var any = evaluator.GetGrants(App, new PermissionFilter { Verb = "get", Resource = "secrets" }).Select(g => g.BindingName).ToList();

        Assert.Equal(new[] { "everywhere", "in-prod" }, prod);
        Assert.Equal(new[] { "everywhere" }, cluster);
        Assert.Equal(new[] { "everywhere", "in-prod", "in-dev" }, any);
    }

    [Theory]
    [InlineData("get", "deployments.apps", null, true)]
    [InlineData("get", "deployments", "apps", true)]
    [InlineData("get", "deployments", null, false)]
    [InlineData("get", "deployments", "", false)]
    [InlineData("patch", "deployments.apps/scale", null, true)]
    [InlineData("patch", "deployments.apps/status", null, false)]
    public void ResourceFilterSpellings(string verb, string resource, string? group, bool found)
    {
        var evaluator = Evaluate(
            Role("app", "r", Rule("get", "apps", "deployments"), Rule("patch", "apps", "*/scale")),
            RoleBinding("app", "b", "Role", "r", Sa("sa")));

        var grants = evaluator.GetGrants(App, new PermissionFilter { Verb = verb, Resource = resource, ApiGroup = group });
        Assert.Equal(found, grants.Any());
    }

    [Fact]
    public void NonResourceFilterOnlyKeepsClusterBindings()
    {
        var evaluator = Evaluate(
            ClusterRole("health", Rule("get", urls: "/healthz/*")),
            ClusterRoleBinding("crb", "health", Sa("sa", "app")),
            RoleBinding("app", "rb", "ClusterRole", "health", Sa("sa")));

        var grants = evaluator.GetGrants(App, new PermissionFilter { NonResourceUrl = "/healthz/etcd" }).ToList();
        Assert.Equal("crb", Assert.Single(grants).BindingName);
    }

    [Fact]
    public void ResourceNameFilterUsesNameSemantics()
    {
        var evaluator = Evaluate(
            Role("app", "r", Rule("get", "", "configmaps", names: "settings"), Rule("list", "", "configmaps")),
            RoleBinding("app", "b", "Role", "r", Sa("sa")));

        Assert.Single(evaluator.GetGrants(App, new PermissionFilter { Verb = "get", Resource = "configmaps", ResourceName = "settings" }));
        Assert.Empty(evaluator.GetGrants(App, new PermissionFilter { Verb = "get", Resource = "configmaps" }));
        Assert.Empty(evaluator.GetGrants(App, new PermissionFilter { Verb = "get", Resource = "configmaps", ResourceName = "other" }));
    }

    [Fact]
    public void FilterValidationRejectsNonsense()
    {
        Assert.Throws<ArgumentException>(() => new PermissionFilter { NonResourceUrl = "/healthz", Resource = "pods" }.Validate());
        Assert.Throws<ArgumentException>(() => new PermissionFilter { NonResourceUrl = "healthz" }.Validate());
        Assert.Throws<ArgumentException>(() => new PermissionFilter { NonResourceUrl = "/healthz", Scope = "app" }.Validate());
        new PermissionFilter { Verb = "get", Resource = "pods", Scope = "app" }.Validate();
    }

    [Fact]
    public void ASubjectListedTwiceInOneBindingGivesOneGrant()
    {
        var evaluator = Evaluate(
            Role("app", "r", Rule("get", "", "pods")),
            RoleBinding("app", "b", "Role", "r", Sa("sa"), Sa("sa", "app")));

        Assert.Single(evaluator.GetGrants(App));
    }

    [Fact]
    public void SampleRequestOfEachGrantIsAllowed()
    {
        var evaluator = Evaluate(
            Role("app", "r", Rule("get", "", "configmaps", names: "c1"), Rule("update", "apps", "*/scale"), Rule("*", "*", "*")),
            RoleBinding("app", "b", "Role", "r", Sa("sa")),
            ClusterRole("urls", Rule("get", urls: "/apis/*")),
            ClusterRoleBinding("crb", "urls", Sa("sa", "app")));

        var grants = evaluator.GetGrants(App).ToList();
        Assert.Equal(4, grants.Count);
        foreach (var grant in grants)
        {
            var request = grant.SampleRequest();
            Assert.NotNull(request);
            Assert.True(evaluator.IsAllowed(App, request!), $"{grant}: {request}");
            Assert.Equal(grant.IsClusterScope ? null : grant.Scope, request!.Namespace);
        }
    }

    [Fact]
    public void ServiceAccountsOfTheSnapshotAreListedInOrder()
    {
        var snapshot = RbacManifestLoader.LoadText(Docs(ServiceAccount("b", "x"), ServiceAccount("a", "z"), ServiceAccount("a", "y")));
        Assert.Equal(new[] { "a/y", "a/z", "b/x" }, snapshot.ServiceAccounts.Select(s => s.ToString()));
    }

    [Theory]
    [InlineData("system:serviceaccount:ns:name", "ns", "name")]
    [InlineData("system:serviceaccount:ns:", null, null)]
    [InlineData("system:serviceaccount::name", null, null)]
    [InlineData("system:serviceaccount:a:b:c", null, null)]
    [InlineData("system:serviceaccounts:ns", null, null)]
    [InlineData("alice", null, null)]
    public void ServiceAccountUserNames(string user, string? ns, string? name)
    {
        var parsed = ServiceAccountRef.FromUserName(user);
        Assert.Equal(ns, parsed?.Namespace);
        Assert.Equal(name, parsed?.Name);
        if (parsed is not null)
        {
            Assert.Equal(user, parsed.UserName);
        }
    }
}
