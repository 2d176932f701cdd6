using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Security;
using static KubeSandbox.Tests.Security.InMemoryObjectStore;

namespace KubeSandbox.Tests.Security;

public sealed class EscalationAndAccessTests : IDisposable
{
    private readonly SecurityTestBed _bed = new();
    private readonly UserInfo _roleManager = SecurityTestBed.ServiceAccount("alpha", "rolemgr");

    public EscalationAndAccessTests()
    {
        _bed.Store.AddRole("alpha", "role-manager",
            Rule(new[] { "create", "get", "list" }, new[] { "rbac.authorization.k8s.io" }, new[] { "roles", "rolebindings" }),
            Rule(new[] { "get" }, new[] { "" }, new[] { "configmaps" }));
        _bed.Store.AddBinding("alpha", "role-manager", "Role", "role-manager", ServiceAccountSubject("rolemgr", "alpha"));
        _bed.Store.AddRole(null, "admin", Rule(new[] { "get", "list", "watch" }, new[] { "" }, new[] { "secrets", "configmaps" }));
    }

    public void Dispose() => _bed.Dispose();

    private void Admit(UserInfo user, string resource, JsonObject obj, JsonObject? old = null) =>
        _bed.Services.AdmissionChecks.Single().Admit(SecurityTestBed.As(user, "alpha"), resource, old, obj);

    private static JsonObject Role(string name, params JsonObject[] rules) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "alpha" },
        ["rules"] = new JsonArray(rules.Select(r => (JsonNode)r).ToArray()),
    };

    private static JsonObject Binding(string name, string kind, string role) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "alpha" },
        ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = kind, ["name"] = role },
        ["subjects"] = new JsonArray(ServiceAccountSubject("rolemgr", "alpha")),
    };

    [Fact]
    public void RoleWithRulesNotHeldIsForbiddenWithTheMissingRules()
    {
        var e = Assert.Throws<ApiException>(() => Admit(_roleManager, "roles", Role("escalated", Rule(new[] { "get", "list" }, new[] { "" }, new[] { "secrets" }))));

        Assert.Equal(403, e.Code);
        Assert.Equal("roles.rbac.authorization.k8s.io \"escalated\" is forbidden: user \"system:serviceaccount:alpha:rolemgr\" (groups=[\"system:serviceaccounts\" \"system:serviceaccounts:alpha\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}",
            e.Message);
        Assert.Equal("{\"name\":\"escalated\",\"group\":\"rbac.authorization.k8s.io\",\"kind\":\"roles\"}", e.Details!.ToJsonString());
    }

    [Fact]
    public void UpdatesThatChangeMoreThanGarbageCollectorFieldsAreCheckedEvenWithRulesUnchanged()
    {
        // policybased/storage.go Update: only an IsOnlyMutatingGCFields update skips the escalation check.
        var stored = Role("secret-reader", Rule(new[] { "get" }, new[] { "" }, new[] { "secrets" }));
        ((JsonObject)stored["metadata"]!).Insert(0, "finalizers", new JsonArray("example.com/keep"));
        var relabelled = (JsonObject)stored.DeepClone();
        relabelled["metadata"]!["labels"] = new JsonObject { ["team"] = "a" };
        Assert.Equal(403, Assert.Throws<ApiException>(() => Admit(_roleManager, "roles", relabelled, stored)).Code);

        var gcOnly = (JsonObject)stored.DeepClone();
        var meta = (JsonObject)gcOnly["metadata"]!;
        meta.Remove("finalizers");
        meta["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "owner", ["uid"] = "u-1" });
        Admit(_roleManager, "roles", gcOnly, stored);

        var binding = Binding("to-admin", "ClusterRole", "admin");
        var boundAgain = (JsonObject)binding.DeepClone();
        boundAgain["metadata"]!["annotations"] = new JsonObject { ["note"] = "x" };
        Assert.Equal(403, Assert.Throws<ApiException>(() => Admit(_roleManager, "rolebindings", boundAgain, binding)).Code);
        var bindingGcOnly = (JsonObject)binding.DeepClone();
        bindingGcOnly["metadata"]!["finalizers"] = new JsonArray("example.com/keep");
        Admit(_roleManager, "rolebindings", bindingGcOnly, binding);
    }

    [Fact]
    public void RoleWithHeldRulesIsAdmitted()
    {
        Admit(_roleManager, "roles", Role("subset", Rule(new[] { "get" }, new[] { "" }, new[] { "configmaps" })));
    }

    [Fact]
    public void BindingToARoleNotHeldListsEveryMissingRuleSorted()
    {
        var e = Assert.Throws<ApiException>(() => Admit(_roleManager, "rolebindings", Binding("grab-admin", "ClusterRole", "admin")));

        Assert.EndsWith("not currently held:\n{APIGroups:[\"\"], Resources:[\"configmaps\"], Verbs:[\"list\" \"watch\"]}\n{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\" \"watch\"]}", e.Message);
        Assert.StartsWith("rolebindings.rbac.authorization.k8s.io \"grab-admin\" is forbidden: ", e.Message);
    }

    [Fact]
    public void BindingToAMissingRoleIsNotFound()
    {
        var e = Assert.Throws<ApiException>(() => Admit(_roleManager, "rolebindings", Binding("grab-ghost", "Role", "no-such-role")));

        Assert.Equal((404, "roles.rbac.authorization.k8s.io \"no-such-role\" not found"), (e.Code, e.Message));
    }

    [Fact]
    public void BindAndEscalateVerbsLiftTheCheck()
    {
        _bed.Store.AddRole(null, "binder", Rule(new[] { "bind" }, new[] { "rbac.authorization.k8s.io" }, new[] { "clusterroles" }, new[] { "admin" }),
            Rule(new[] { "escalate" }, new[] { "rbac.authorization.k8s.io" }, new[] { "roles" }));
        _bed.Store.AddBinding("alpha", "binder", "ClusterRole", "binder", ServiceAccountSubject("rolemgr", "alpha"));

        Admit(_roleManager, "rolebindings", Binding("grab-admin", "ClusterRole", "admin"));
        Admit(_roleManager, "roles", Role("escalated", Rule(new[] { "*" }, new[] { "*" }, new[] { "*" })));
    }

    [Fact]
    public void SystemMastersAreNeverChecked()
    {
        Admit(TokenAuthenticator.AdminUser, "rolebindings", Binding("anything", "Role", "no-such-role"));
    }

    [Fact]
    public void ImpersonationNeedsTheImpersonateVerb()
    {
        var headers = new Dictionary<string, IReadOnlyList<string>> { ["Impersonate-User"] = new[] { "system:serviceaccount:alpha:runner" } };

        var asRunner = _bed.Services.Impersonation.Apply(TokenAuthenticator.AdminUser, headers);
        Assert.Equal("system:serviceaccount:alpha:runner", asRunner.Name);
        Assert.Equal(new[] { "system:serviceaccounts", "system:serviceaccounts:alpha", "system:authenticated" }, asRunner.Groups);

        var e = Assert.Throws<ApiException>(() => _bed.Services.Impersonation.Apply(_roleManager, headers));
        Assert.Equal("serviceaccounts \"runner\" is forbidden: User \"system:serviceaccount:alpha:rolemgr\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in the namespace \"alpha\"", e.Message);

        var withGroup = _bed.Services.Impersonation.Apply(TokenAuthenticator.AdminUser, new Dictionary<string, IReadOnlyList<string>>
        {
            ["impersonate-user"] = new[] { "jane" },
            ["Impersonate-Group"] = new[] { "devs" },
        });
        Assert.Equal(new[] { "devs", "system:authenticated" }, withGroup.Groups);
        var withExtra = _bed.Services.Impersonation.Apply(TokenAuthenticator.AdminUser, new Dictionary<string, IReadOnlyList<string>>
        {
            ["Impersonate-User"] = new[] { "jane" },
            ["Impersonate-Extra-Example.com%2FScope%41"] = new[] { "x" },
        });
        Assert.Equal("example.com/scopeA", Assert.Single(withExtra.Extra).Key);
        Assert.Same(_roleManager, _bed.Services.Impersonation.Apply(_roleManager, new Dictionary<string, IReadOnlyList<string>>()));
    }

    [Fact]
    public void OidcDiscoveryServesTheSigningKeyAndNegotiatesLikeGoRestful()
    {
        var jwks = _bed.Services.Oidc.Serve(OidcDiscovery.JwksPath, "*/*");
        Assert.Equal((200, "application/jwk-set+json"), (jwks.Status, jwks.ContentType));
        var key = jwks.Body["keys"]![0]!;
        Assert.Equal(new[] { "use", "kty", "kid", "alg", "n", "e" }, key.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal("AQAB", (string)key["e"]!);
        _bed.Store.AddServiceAccount("alpha", "runner");
        var token = _bed.Services.CreateToken("alpha", "runner");
        Assert.Equal((string)key["kid"]!, (string)SecurityTestBed.Decode(token).Header["kid"]!);

        Assert.Equal(200, _bed.Services.Oidc.Serve(OidcDiscovery.JwksPath, null).Status);
        Assert.Equal(200, _bed.Services.Oidc.Serve(OidcDiscovery.JwksPath, "application/json, */*").Status);
        var refused = _bed.Services.Oidc.Serve(OidcDiscovery.JwksPath, "application/json");
        Assert.Equal((406, "406: Not Acceptable"), (refused.Status, (string)refused.Body["message"]!));

        _bed.Services.Options.ExternalAddress = "https://127.0.0.1:16443";
        var config = _bed.Services.Oidc.Serve(OidcDiscovery.ConfigurationPath, "application/json");
        Assert.Equal("{\"issuer\":\"https://kubernetes.default.svc.cluster.local\",\"jwks_uri\":\"https://127.0.0.1:16443/openid/v1/jwks\",\"response_types_supported\":[\"id_token\"],\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}",
            config.Body.ToJsonString());
    }

    [Fact]
    public void LegacyTokenSecretsArePopulatedByTheController()
    {
        var sa = _bed.Store.AddServiceAccount("alpha", "runner");
        _bed.Store.AddSecret("alpha", "runner-legacy", "kubernetes.io/service-account-token", "runner");

        var secret = _bed.Store.Get("secrets", "alpha", "runner-legacy")!;
        Assert.Equal((string)sa["metadata"]!["uid"]!, (string)secret["metadata"]!["annotations"]!["kubernetes.io/service-account.uid"]!);
        Assert.Equal(new[] { "ca.crt", "namespace", "token" }, secret["data"]!.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal("YWxwaGE=", (string)secret["data"]!["namespace"]!);
        var jwt = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["token"]!));
        var claims = SecurityTestBed.Decode(jwt).Claims;
        Assert.Equal("kubernetes/serviceaccount", (string)claims["iss"]!);
        Assert.Equal("runner-legacy", (string)claims["kubernetes.io/serviceaccount/secret.name"]!);
        Assert.Null(claims["exp"]);

        _bed.Store.AddSecret("alpha", "plain");
        Assert.Null(_bed.Store.Get("secrets", "alpha", "plain")!["data"]);
    }
}
