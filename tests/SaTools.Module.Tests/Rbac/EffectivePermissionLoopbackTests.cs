using System.Management.Automation;

namespace SaTools.Module.Tests.Rbac;

/// <summary>
/// Get-K8sEffectivePermission against a scripted API server: what it does when another authorizer disagrees
/// with RBAC (-Verify), when the caller may not list RBAC objects, and how many requests one run makes.
/// </summary>
public sealed class EffectivePermissionLoopbackTests
{
    private const string Rbac = "/apis/rbac.authorization.k8s.io/v1";

    private static string List(string kind, string items) =>
        $$"""{"kind":"{{kind}}","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[{{items}}]}""";

    /// <summary>One ServiceAccount web/app, bound cluster-wide to get pods; SubjectAccessReviews answer <paramref name="sarAllows"/>.</summary>
    private static Func<string, (int, string)> Cluster(bool sarAllows, string? forbiddenPath = null) => path =>
    {
        if (path == forbiddenPath)
        {
            return (403, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"rolebindings.rbac.authorization.k8s.io is forbidden: User \"alice\" cannot list resource \"rolebindings\" in API group \"rbac.authorization.k8s.io\" at the cluster scope","reason":"Forbidden","details":{"group":"rbac.authorization.k8s.io","kind":"rolebindings"},"code":403}""");
        }

        return path switch
        {
            Rbac + "/clusterroles" => (200, List("ClusterRoleList", """{"metadata":{"name":"pod-reader","uid":"u1"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""")),
            Rbac + "/clusterrolebindings" => (200, List("ClusterRoleBindingList", """{"metadata":{"name":"web-pods","uid":"u2"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"pod-reader"},"subjects":[{"kind":"ServiceAccount","name":"app","namespace":"web"}]}""")),
            Rbac + "/roles" => (200, List("RoleList", "")),
            Rbac + "/rolebindings" => (200, List("RoleBindingList", "")),
            "/api/v1/serviceaccounts" => (200, List("ServiceAccountList", """{"metadata":{"name":"app","namespace":"web","uid":"u3"}}""")),
            "/apis/authorization.k8s.io/v1/subjectaccessreviews" => (201,
                $$$"""{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{},"status":{"allowed":{{{(sarAllows ? "true" : "false")}}},"reason":"decided by a webhook"}}"""),
            _ => (404, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"not found","reason":"NotFound","code":404}"""),
        };
    };

    [Fact]
    public void OneListPerKindAndNoRequestPerServiceAccount()
    {
        using var server = new LoopbackApiServer { Respond = Cluster(sarAllows: true) };
        using var session = new ModuleSession();
        var kubeconfig = server.WriteKubeconfig("loop");

        var result = session.RunCapturing("Get-K8sEffectivePermission -Kubeconfig $args[0] -AllNamespaces", kubeconfig);

        Assert.Null(result.Terminating);
        var row = Assert.Single(result.Output);
        Assert.Equal("loop", row.Properties["Context"].Value);
        Assert.Null(row.Properties["Verified"].Value);
        var paths = server.Requests.Select(r => r.Method + " " + r.Path).OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.Equal(new[]
        {
            "GET /api/v1/serviceaccounts",
            "GET " + Rbac + "/clusterrolebindings",
            "GET " + Rbac + "/clusterroles",
            "GET " + Rbac + "/rolebindings",
            "GET " + Rbac + "/roles",
        }, paths);
        Assert.Contains(result.Progress, p => p.Activity == "Reading RBAC objects");
    }

    [Fact]
    public void VerifyWarnsWhenTheServerDeniesWhatRbacGrants()
    {
        using var server = new LoopbackApiServer { Respond = Cluster(sarAllows: false) };
        using var session = new ModuleSession();

        var result = session.RunCapturing("Get-K8sEffectivePermission -Kubeconfig $args[0] -Namespace web -Verify", server.WriteKubeconfig("loop"));

        Assert.Null(result.Terminating);
        var row = Assert.Single(result.Output);
        Assert.Equal(false, row.Properties["Verified"].Value);
        Assert.Contains("decided by a webhook", (string)row.Properties["VerifyDetail"].Value);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("web/app", warning);
        Assert.Contains("denies", warning);
        Assert.Single(server.Requests, r => r.Path.EndsWith("/subjectaccessreviews", StringComparison.Ordinal));
    }

    [Fact]
    public void VerifyWarnsWhenTheServerAllowsWhatRbacDoesNotGrant()
    {
        using var server = new LoopbackApiServer { Respond = Cluster(sarAllows: true) };
        using var session = new ModuleSession();

        var result = session.RunCapturing(
            "Get-K8sEffectivePermission -Kubeconfig $args[0] -Namespace web -Verb delete -Resource pods -Scope web -Verify",
            server.WriteKubeconfig("loop"));

        Assert.Null(result.Terminating);
        Assert.Empty(result.Output);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("another authorizer", warning);

        var summary = session.RunCapturing(
            "Get-K8sEffectivePermission -Kubeconfig $args[0] -Namespace web -Verb delete -Resource pods -Scope web -Verify -Summary",
            server.WriteKubeconfig("loop"));
        var row = Assert.Single(summary.Output);
        Assert.Equal(0, row.Properties["GrantCount"].Value);
        Assert.Equal(false, row.Properties["Verified"].Value);
    }

    [Fact]
    public void VerifyAgreesSilently()
    {
        using var server = new LoopbackApiServer { Respond = Cluster(sarAllows: true) };
        using var session = new ModuleSession();

        var result = session.RunCapturing("Get-K8sEffectivePermission -Kubeconfig $args[0] -Namespace web -Verify -Summary", server.WriteKubeconfig("loop"));

        Assert.Null(result.Terminating);
        Assert.Empty(result.Warnings);
        Assert.Equal(true, Assert.Single(result.Output).Properties["Verified"].Value);
    }

    [Fact]
    public void ForbiddenListNamesTheMissingPermission()
    {
        using var server = new LoopbackApiServer { Respond = Cluster(sarAllows: true, forbiddenPath: Rbac + "/rolebindings") };
        using var session = new ModuleSession();

        var result = session.RunCapturing("Get-K8sEffectivePermission -Kubeconfig $args[0] -AllNamespaces", server.WriteKubeconfig("loop"));

        var error = result.Terminating ?? Assert.Single(result.Errors);
        Assert.Equal("GetK8sEffectivePermissionForbidden,SaTools.Commands.GetK8sEffectivePermissionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("'list' on rolebindings.rbac.authorization.k8s.io in all namespaces", error.Exception.Message);
        Assert.Empty(result.Output);
    }
}
