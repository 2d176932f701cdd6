using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Security;
using static KubeSandbox.Tests.Security.InMemoryObjectStore;

namespace KubeSandbox.Tests.Security;

public sealed class RbacAuthorizerTests : IDisposable
{
    private readonly SecurityTestBed _bed = new();

    public RbacAuthorizerTests()
    {
        var s = _bed.Store;
        s.AddRole("alpha", "pod-log-reader", Rule(new[] { "get" }, new[] { "" }, new[] { "pods/log" }));
        s.AddBinding("alpha", "logreader", "Role", "pod-log-reader", ServiceAccountSubject("logreader", "alpha"));
        s.AddRole("alpha", "scaler", Rule(new[] { "get", "update" }, new[] { "*" }, new[] { "*/scale" }));
        s.AddBinding("alpha", "scaler", "Role", "scaler", ServiceAccountSubject("scaler", "alpha"));
        s.AddRole("alpha", "named-cm", Rule(new[] { "get", "list" }, new[] { "" }, new[] { "configmaps" }, new[] { "cm1" }));
        s.AddBinding("alpha", "named", "Role", "named-cm", ServiceAccountSubject("named", "alpha"));
        s.AddRole(null, "nonres-reader", NonResourceRule(new[] { "get" }, "/healthz", "/apis/*"));
        s.AddBinding(null, "nonres-reader", "ClusterRole", "nonres-reader", ServiceAccountSubject("nonres", "alpha"));
        s.AddRole(null, "secret-reader", Rule(new[] { "get" }, new[] { "" }, new[] { "secrets" }));
        s.AddBinding("alpha", "rbcr", "ClusterRole", "secret-reader", ServiceAccountSubject("rbcr", "alpha"));
        s.AddRole("alpha", "cm-reader", Rule(new[] { "get", "list" }, new[] { "" }, new[] { "configmaps" }));
        s.AddBinding("alpha", "nons", "Role", "cm-reader", ServiceAccountSubject("nons"));
        s.AddRole(null, "ns-lister", Rule(new[] { "get", "list" }, new[] { "" }, new[] { "namespaces" }));
        s.AddBinding(null, "ns-lister-alpha-sas", "ClusterRole", "ns-lister", GroupSubject("system:serviceaccounts:alpha"));
        s.AddBinding("alpha", "ghost", "Role", "no-such-role", ServiceAccountSubject("ghostsa", "alpha"));
        s.AddBinding("alpha", "ghost-cr", "ClusterRole", "no-such-clusterrole", ServiceAccountSubject("ghostsa", "alpha"));
    }

    public void Dispose() => _bed.Dispose();

    private AuthorizationDecision Resource(string sa, string verb, string resource, string ns = "alpha", string name = "",
        string subresource = "", string group = "") =>
        _bed.Services.Authorizer.Authorize(new RequestAttributes(SecurityTestBed.ServiceAccount("alpha", sa), verb, true, "",
            group, "*", resource, subresource, ns, name));

    private AuthorizationDecision Path(string sa, string path, bool withGroups = true)
    {
        var user = withGroups ? SecurityTestBed.ServiceAccount("alpha", sa)
            : new UserInfo(ServiceAccountUser.Username("alpha", sa), "", Array.Empty<string>(), new Dictionary<string, IReadOnlyList<string>>());
        return _bed.Services.Authorizer.Authorize(new RequestAttributes(user, "get", false, path));
    }

    [Fact]
    public void SubresourceRulesMatchOnlyTheirSubresource()
    {
        Assert.Equal("RBAC: allowed by RoleBinding \"logreader/alpha\" of Role \"pod-log-reader\" to ServiceAccount \"logreader/alpha\"",
            Resource("logreader", "get", "pods", name: "runner-pod", subresource: "log").Reason);
        Assert.False(Resource("logreader", "get", "pods", name: "runner-pod").Allowed);
    }

    [Fact]
    public void StarSlashSubresourceMatchesAnyResourcesSubresource()
    {
        Assert.True(Resource("scaler", "update", "deployments", name: "web", subresource: "scale", group: "apps").Allowed);
        Assert.True(Resource("scaler", "get", "replicationcontrollers", subresource: "scale").Allowed);
        Assert.False(Resource("scaler", "get", "deployments", group: "apps").Allowed);
    }

    [Fact]
    public void ResourceNamesNeedARequestThatNamesTheObject()
    {
        Assert.True(Resource("named", "get", "configmaps", name: "cm1").Allowed);
        Assert.False(Resource("named", "get", "configmaps", name: "cm2").Allowed);
        Assert.False(Resource("named", "list", "configmaps").Allowed);
        Assert.True(Resource("named", "list", "configmaps", name: "cm1").Allowed);
    }

    [Fact]
    public void NonResourceUrlsMatchExactlyOrByTrailingStarPrefix()
    {
        Assert.True(Path("nonres", "/healthz", withGroups: false).Allowed);
        Assert.False(Path("nonres", "/healthz/etcd", withGroups: false).Allowed);
        Assert.True(Path("nonres", "/apis/apps/v1", withGroups: false).Allowed);
        Assert.True(Path("nonres", "/apis/", withGroups: false).Allowed);
        Assert.False(Path("nonres", "/apis", withGroups: false).Allowed);
    }

    [Fact]
    public void RoleBindingToClusterRoleGrantsOnlyInItsNamespace()
    {
        Assert.Equal("RBAC: allowed by RoleBinding \"rbcr/alpha\" of ClusterRole \"secret-reader\" to ServiceAccount \"rbcr/alpha\"",
            Resource("rbcr", "get", "secrets", name: "s").Reason);
        Assert.False(Resource("rbcr", "get", "secrets", ns: "beta", name: "s").Allowed);
        Assert.False(Resource("rbcr", "get", "secrets", ns: "", name: "s").Allowed);
    }

    [Fact]
    public void ServiceAccountSubjectWithoutNamespaceMeansTheBindingsNamespace()
    {
        Assert.Equal("RBAC: allowed by RoleBinding \"nons/alpha\" of Role \"cm-reader\" to ServiceAccount \"nons/alpha\"",
            Resource("nons", "list", "configmaps").Reason);
    }

    [Fact]
    public void GroupBindingsFollowTheServiceAccountsNamespaceGroup()
    {
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"ns-lister-alpha-sas\" of ClusterRole \"ns-lister\" to Group \"system:serviceaccounts:alpha\"",
            Resource("logreader", "list", "namespaces", ns: "").Reason);
        var beta = _bed.Services.Authorizer.Authorize(new RequestAttributes(SecurityTestBed.ServiceAccount("beta", "nobody"), "list", true, "",
            "", "*", "namespaces"));
        Assert.False(beta.Allowed);
        Assert.Equal("", beta.Reason);
    }

    [Fact]
    public void BindingsToMissingRolesAreReportedInTheDeniedReason()
    {
        var decision = Resource("ghostsa", "get", "pods");

        Assert.False(decision.Allowed);
        Assert.Equal("RBAC: [role.rbac.authorization.k8s.io \"no-such-role\" not found, clusterrole.rbac.authorization.k8s.io \"no-such-clusterrole\" not found]",
            decision.Reason);
    }

    [Fact]
    public void SystemMastersBypassRbacWithNoReason()
    {
        var decision = _bed.Services.Authorizer.Authorize(new RequestAttributes(TokenAuthenticator.AdminUser, "delete", true, "", "", "*", "pods", "", "alpha"));

        Assert.True(decision.Allowed);
        Assert.Equal("", decision.Reason);
    }

    [Fact]
    public void ForbiddenMessagesUseTheRealWording()
    {
        var a = new RequestAttributes(SecurityTestBed.ServiceAccount("beta", "nobody"), "get", true, "", "", "v1", "secrets", "", "beta", "some-secret");
        var e = ApiErrors.Forbidden(a, "");
        Assert.Equal("secrets \"some-secret\" is forbidden: User \"system:serviceaccount:beta:nobody\" cannot get resource \"secrets\" in API group \"\" in the namespace \"beta\"", e.Message);
        Assert.Equal("{\"name\":\"some-secret\",\"kind\":\"secrets\"}", e.Details!.ToJsonString());

        var anonymous = new UserInfo("system:anonymous", "", new[] { "system:unauthenticated" }, new Dictionary<string, IReadOnlyList<string>>());
        var path = ApiErrors.Forbidden(new RequestAttributes(anonymous, "get", false, "/openid/v1/jwks"), "");
        Assert.Equal("forbidden: User \"system:anonymous\" cannot get path \"/openid/v1/jwks\"", path.Message);
        Assert.Equal("{}", path.Details!.ToJsonString());

        var token = ApiErrors.Forbidden(new RequestAttributes(SecurityTestBed.ServiceAccount("alpha", "runner"), "create", true, "", "", "v1",
            "serviceaccounts", "token", "alpha", "runner"), "");
        Assert.Equal("serviceaccounts \"runner\" is forbidden: User \"system:serviceaccount:alpha:runner\" cannot create resource \"serviceaccounts/token\" in API group \"\" in the namespace \"alpha\"", token.Message);
    }
}
