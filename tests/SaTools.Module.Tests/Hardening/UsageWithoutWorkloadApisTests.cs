using static SaTools.Module.Tests.Hardening.HardeningSandbox;

namespace SaTools.Module.Tests.Hardening;

/// <summary>
/// Get-K8sServiceAccountUsage against a server that serves core/v1 but neither apps/v1 nor batch/v1 (their lists
/// answer 404, as a real server answers an unserved group version): Deployments are inferred from the ReplicaSet
/// names, Jobs stay Jobs, -Verbose says so, and each unserved list is tried once for the run, not once per namespace.
/// </summary>
public sealed class UsageWithoutWorkloadApisTests
{
    private static string Pods(string ns) => $$$$"""
        {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[
          {"metadata":{"name":"web-7d9c5-abcde","namespace":"{{{{ns}}}}","labels":{"pod-template-hash":"7d9c5"},
            "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d9c5","uid":"1","controller":true}]},
           "spec":{"serviceAccountName":"default","containers":[{"name":"app","image":"x:1"}]}},
          {"metadata":{"name":"report-28391040-q7","namespace":"{{{{ns}}}}",
            "ownerReferences":[{"apiVersion":"batch/v1","kind":"Job","name":"report-28391040","uid":"2","controller":true}]},
           "spec":{"serviceAccountName":"default","containers":[{"name":"app","image":"x:1"}]}}]}
        """;

    private static string ServiceAccounts(string ns) => $$$$"""
        {"kind":"ServiceAccountList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[
          {"metadata":{"name":"default","namespace":"{{{{ns}}}}"}}]}
        """;

    [Fact]
    public void UnservedWorkloadApisAreTriedOnceAndDeploymentsInferred()
    {
        using var server = new LoopbackApiServer();
        server.Respond = path => path.Split('/') switch
        {
            ["", "api", "v1", "namespaces", var ns, "pods"] => (200, Pods(ns)),
            ["", "api", "v1", "namespaces", var ns, "serviceaccounts"] => (200, ServiceAccounts(ns)),
            _ => (404, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}"""),
        };
        var kubeconfig = server.WriteKubeconfig("loopback");
        using var session = new ModuleSession();

        var run = session.RunCapturing("Get-K8sServiceAccountUsage -Kubeconfig $args[0] -Namespace a, b -Verbose", kubeconfig);

        Assert.Empty(run.AllErrors);
        Assert.Equal(4, run.Output.Count);
        Assert.All(run.Output.Where(o => Prop(o, "Pod") == "web-7d9c5-abcde"), o => Assert.Equal("Deployment/web", Prop(o, "Owner")));
        Assert.All(run.Output.Where(o => Prop(o, "Pod") == "report-28391040-q7"), o => Assert.Equal("Job/report-28391040", Prop(o, "Owner")));
        Assert.Contains(run.Verbose, v => v.StartsWith("ReplicaSets could not be read in namespace 'a'", StringComparison.Ordinal));
        Assert.Contains(run.Verbose, v => v.StartsWith("Jobs could not be read in namespace 'a'", StringComparison.Ordinal));
        var paths = server.Requests.Select(r => r.Path).ToList();
        Assert.Equal(new[] { "/apis/apps/v1/namespaces/a/replicasets" }, paths.Where(p => p.Contains("replicasets", StringComparison.Ordinal)));
        Assert.Equal(new[] { "/apis/batch/v1/namespaces/a/jobs" }, paths.Where(p => p.Contains("jobs", StringComparison.Ordinal)));
        Assert.Equal(2, paths.Count(p => p.EndsWith("/pods", StringComparison.Ordinal)));
    }
}
