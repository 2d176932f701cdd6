using SaTools.Engine.Rbac;
using static SaTools.Tests.Rbac.Rbac;

namespace SaTools.Tests.Rbac;

/// <summary>
/// The default RBAC objects of a new cluster (plugin/pkg/auth/authorizer/rbac/bootstrappolicy): every
/// ServiceAccount gets system:basic-user, system:discovery and system:public-info-viewer through
/// system:authenticated, and system:service-account-issuer-discovery through system:serviceaccounts; admin, edit
/// and view come with rules: null and are filled by aggregation.
/// </summary>
public sealed class BootstrapPolicyTests
{
    private static readonly string DataDirectory = Path.Combine(AppContext.BaseDirectory, "bootstrap-policy");

    private static RbacSnapshot Bootstrap(params string[] extra) =>
        RbacSnapshot.Combine(
            Directory.GetFiles(DataDirectory, "*.yaml").OrderBy(f => f, StringComparer.Ordinal).Select(RbacManifestLoader.LoadFile)
                .Append(RbacManifestLoader.LoadText(Docs(extra.Length == 0 ? new[] { ServiceAccount("team", "builder") } : extra))));

    [Fact]
    public void TheBootstrapFilesLoad()
    {
        var snapshot = Bootstrap();
        Assert.True(snapshot.ClusterRoleCount >= 30, $"{snapshot.ClusterRoleCount} ClusterRoles");
        Assert.True(snapshot.ClusterRoleBindingCount > 10, $"{snapshot.ClusterRoleBindingCount} ClusterRoleBindings");
        Assert.True(snapshot.RoleCount > 0);
        Assert.True(snapshot.RoleBindingCount > 0);
    }

    [Fact]
    public void EveryServiceAccountGetsTheAuthenticatedDefaults()
    {
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap()));
        var grants = evaluator.GetGrants(new ServiceAccountRef("team", "builder")).ToList();

        var viaAuthenticated = grants.Where(g => g.GrantedVia == "system:authenticated").Select(g => g.RoleName).Distinct().OrderBy(n => n).ToList();
        Assert.Equal(new[] { "system:basic-user", "system:discovery", "system:public-info-viewer" }, viaAuthenticated);
        Assert.All(grants.Where(g => g.GrantedVia == "system:authenticated"), g =>
        {
            Assert.Equal(BindingKind.ClusterRoleBinding, g.BindingKind);
            Assert.Equal(EffectiveGrant.ClusterScope, g.Scope);
            Assert.Equal(RiskLevel.None, g.RiskLevel);
        });
    }

    [Fact]
    public void EveryServiceAccountGetsIssuerDiscoveryThroughTheServiceAccountsGroup()
    {
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap()));
        var grants = evaluator.GetGrants(new ServiceAccountRef("team", "builder")).ToList();

        var viaServiceAccounts = grants.Where(g => g.GrantedVia == "system:serviceaccounts").ToList();
        Assert.NotEmpty(viaServiceAccounts);
        Assert.All(viaServiceAccounts, g => Assert.Equal("system:service-account-issuer-discovery", g.RoleName));
        Assert.True(evaluator.IsAllowed(new ServiceAccountRef("team", "builder"), RbacRequest.ForNonResourceUrl("get", "/.well-known/openid-configuration")));
        Assert.True(evaluator.IsAllowed(new ServiceAccountRef("team", "builder"), RbacRequest.ForNonResourceUrl("get", "/openid/v1/jwks")));
    }

    [Theory]
    [InlineData("create", "selfsubjectaccessreviews", "authorization.k8s.io", true)]
    [InlineData("create", "selfsubjectrulesreviews", "authorization.k8s.io", true)]
    [InlineData("create", "selfsubjectreviews", "authentication.k8s.io", true)]
    [InlineData("get", "secrets", "", false)]
    [InlineData("list", "pods", "", false)]
    [InlineData("create", "subjectaccessreviews", "authorization.k8s.io", false)]
    public void BasicUserAllowsSelfReviewsOnly(string verb, string resource, string group, bool allowed)
    {
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap()));
        Assert.Equal(allowed, evaluator.IsAllowed(new ServiceAccountRef("team", "builder"), RbacRequest.ForResource(verb, resource, group, ns: null)));
    }

    [Theory]
    [InlineData("/version", true)]
    [InlineData("/healthz", true)]
    [InlineData("/livez", true)]
    [InlineData("/api", true)]
    [InlineData("/apis/apps/v1", true)]
    [InlineData("/openapi/v3", true)]
    [InlineData("/metrics", false)]
    [InlineData("/logs", false)]
    public void DiscoveryAndPublicInfoUrls(string url, bool allowed)
    {
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap()));
        Assert.Equal(allowed, evaluator.IsAllowed(new ServiceAccountRef("team", "builder"), RbacRequest.ForNonResourceUrl("get", url)));
    }

    [Theory]
    [InlineData("view", "get", "pods", "", true)]
    [InlineData("view", "get", "secrets", "", false)]
    [InlineData("view", "list", "deployments", "apps", true)]
    [InlineData("view", "create", "deployments", "apps", false)]
    [InlineData("edit", "create", "deployments", "apps", true)]
    [InlineData("edit", "get", "secrets", "", true)]
    [InlineData("edit", "create", "rolebindings", "rbac.authorization.k8s.io", false)]
    [InlineData("admin", "create", "rolebindings", "rbac.authorization.k8s.io", true)]
    [InlineData("admin", "create", "pods/exec", "", true)]
    [InlineData("admin", "create", "resourcequotas", "", false)]
    public void AdminEditViewAreAggregated(string role, string verb, string resource, string group, bool allowed)
    {
        var snapshot = Bootstrap(ServiceAccount("team", "builder"), RoleBinding("team", "b", "ClusterRole", role, Sa("builder")));
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(snapshot));

        Assert.Equal(allowed, evaluator.IsAllowed(new ServiceAccountRef("team", "builder"), RbacRequest.ForResource(verb, resource, group, ns: "team")));
    }

    [Fact]
    public void AggregatedRulesNameTheirSource()
    {
        var snapshot = Bootstrap(ServiceAccount("team", "builder"), RoleBinding("team", "b", "ClusterRole", "admin", Sa("builder")));
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(snapshot));

        var adminGrants = evaluator.GetGrants(new ServiceAccountRef("team", "builder")).Where(g => g.RoleName == "admin").ToList();
        Assert.NotEmpty(adminGrants);
        Assert.All(adminGrants, g => Assert.NotNull(g.AggregatedFrom));
        var sources = adminGrants.Select(g => g.AggregatedFrom).Distinct().ToList();
        Assert.Contains("system:aggregate-to-admin", sources);
        Assert.Contains("system:aggregate-to-edit", sources);
        Assert.Contains("system:aggregate-to-view", sources);
        Assert.All(adminGrants, g => Assert.Equal("team", g.Scope));
    }

    [Fact]
    public void TheBootstrapLeavesAServiceAccountAtRiskLevelNone()
    {
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap()));
        var summary = evaluator.Summarize(new ServiceAccountRef("team", "builder"));
        Assert.Equal(RiskLevel.None, summary.RiskLevel);
        Assert.Equal(RiskFlags.None, summary.Flags);
        Assert.True(summary.GrantCount >= 5);
        Assert.Equal(0, summary.MissingRoleCount);
    }

    [Fact]
    public void ControllerServiceAccountsInKubeSystemAreFound()
    {
        // kube-dns is bound by name in the bootstrap ClusterRoleBindings.
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap()));
        var grants = evaluator.GetGrants(new ServiceAccountRef("kube-system", "kube-dns")).ToList();
        Assert.Contains(grants, g => g.RoleName == "system:kube-dns" && g.GrantedVia == RbacIndex.ServiceAccountVia);
        Assert.True(evaluator.IsAllowed(new ServiceAccountRef("kube-system", "kube-dns"), RbacRequest.ForResource("list", "endpoints")));
    }

    [Fact]
    public void EveryDefaultGrantOfAPlainServiceAccountIsMarkedAndRatedNoneWhoamiIncluded()
    {
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap()));
        var grants = evaluator.GetGrants(new ServiceAccountRef("team", "builder")).ToList();

        Assert.NotEmpty(grants);
        Assert.All(grants, g =>
        {
            Assert.True(g.IsBootstrapDefault, g.RoleName);
            Assert.True(g.IsEveryServiceAccountDefault, g.RoleName);
            Assert.Equal(RiskLevel.None, g.RiskLevel);
        });
        // 1.28+ basic-user: create selfsubjectreviews (kubectl auth whoami), a default like the other self reviews.
        Assert.Contains(grants, g => g.RoleName == "system:basic-user" && g.Resources.Contains("selfsubjectreviews") && g.Verbs.Contains("create"));
    }

    [Fact]
    public void AControllersOwnBindingIsADefaultButKeepsItsRating()
    {
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(Bootstrap(ServiceAccount("kube-system", "cronjob-controller"))));
        var grants = evaluator.GetGrants(new ServiceAccountRef("kube-system", "cronjob-controller")).ToList();

        var own = grants.Where(g => g.BindingName == "system:controller:cronjob-controller").ToList();
        Assert.NotEmpty(own);
        Assert.All(own, g =>
        {
            Assert.True(g.IsBootstrapDefault);
            Assert.False(g.IsEveryServiceAccountDefault);
        });
        // It creates Jobs cluster-wide: a default, and still a workload-creating grant.
        Assert.Contains(own, g => g.Flags.HasFlag(RiskFlags.CreateWorkloads) && g.RiskLevel == RiskLevel.Critical);
    }

    [Fact]
    public void AControllerRoleBoundToAnotherServiceAccountIsNotADefault()
    {
        var snapshot = Bootstrap(ServiceAccount("team", "builder"),
            ClusterRoleBinding("system:controller:cronjob-controller-copy", "system:controller:cronjob-controller", Sa("builder", "team")));
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(snapshot));

        var copied = evaluator.GetGrants(new ServiceAccountRef("team", "builder")).Where(g => g.RoleName == "system:controller:cronjob-controller").ToList();
        Assert.NotEmpty(copied);
        Assert.All(copied, g => Assert.False(g.IsBootstrapDefault));
    }
}
