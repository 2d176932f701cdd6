using System.Management.Automation;

namespace SaTools.Module.Tests;

/// <summary>
/// Every connection failure gives a specific ErrorRecord (id, category, target, a message saying what to do),
/// never a stack trace or an AggregateException. These need no sandbox; TLS and 403 are in the sandbox tests.
/// </summary>
public sealed class ConnectionErrorTests
{
    private static ErrorRecord Terminating(ModuleSession.Result result)
    {
        Assert.NotNull(result.Terminating);
        var error = result.Terminating!;
        Assert.IsNotType<AggregateException>(error.Exception);
        Assert.DoesNotContain("   at ", error.Exception.Message);
        return error;
    }

    [Fact]
    public void MissingKubeconfigFile()
    {
        using var session = new ModuleSession();
        var missing = Path.Combine(Path.GetTempPath(), "satools-missing-" + Guid.NewGuid().ToString("N"));
        var error = Terminating(session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0]", missing));
        Assert.Equal("GetK8sServiceAccountNoKubeconfig,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains(missing, error.Exception.Message);
        Assert.Equal(missing, error.TargetObject);
    }

    [Fact]
    public void UnknownContext()
    {
        using var server = new LoopbackApiServer();
        using var session = new ModuleSession();
        var kubeconfig = server.WriteKubeconfig("loopback");
        var error = Terminating(session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -Context nope", kubeconfig));
        Assert.Equal("GetK8sServiceAccountUnknownContext,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("nope", error.TargetObject);
        Assert.Contains("loopback", error.Exception.Message); // names the contexts there are
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void UnreachableServer()
    {
        using var session = new ModuleSession();
        var error = Terminating(session.RunCapturing("Connect-K8sCluster -Server https://127.0.0.1:1 -Token $args[0]", TestTokens.Secure("t")));
        Assert.Equal("ConnectK8sClusterServerUnreachable,SaTools.Commands.ConnectK8sClusterCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.Contains("https://127.0.0.1:1", error.Exception.Message);
    }

    [Fact]
    public void RejectedCredentialsAt401()
    {
        using var server = new LoopbackApiServer
        {
            Respond = _ => (401, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"""),
        };
        using var session = new ModuleSession();
        var connect = Terminating(session.RunCapturing("Connect-K8sCluster -Server $args[0] -Token $args[1]", server.Url, TestTokens.Secure("expired")));
        Assert.Equal("ConnectK8sClusterUnauthorized,SaTools.Commands.ConnectK8sClusterCommand", connect.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, connect.CategoryInfo.Category);
        Assert.Contains("-Token", connect.Exception.Message);

        var list = Terminating(session.RunCapturing("Get-K8sServiceAccount -Server $args[0] -Token $args[1] -Namespace a, b", server.Url, TestTokens.Secure("expired")));
        Assert.Equal("GetK8sServiceAccountUnauthorized,SaTools.Commands.GetK8sServiceAccountCommand", list.FullyQualifiedErrorId);
        // Credentials that fail once fail everywhere: the cmdlet stops instead of repeating the error per namespace.
        Assert.Single(server.Requests, r => r.Path.EndsWith("/serviceaccounts", StringComparison.Ordinal));
    }

    [Fact]
    public void BadServerUrl()
    {
        using var session = new ModuleSession();
        var error = Terminating(session.RunCapturing("Connect-K8sCluster -Server 'not a url' -Token $args[0]", TestTokens.Secure("t")));
        Assert.Equal("ConnectK8sClusterInvalidConnectionSettings,SaTools.Commands.ConnectK8sClusterCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void ConnectionCannotBeCombinedWithOtherConnectionParameters()
    {
        using var server = new LoopbackApiServer();
        using var session = new ModuleSession();
        var error = Terminating(session.RunCapturing("""
            $c = Connect-K8sCluster -Server $args[0] -Token $args[1]
            Get-K8sServiceAccount -Connection $c -Context other
            """, server.Url, TestTokens.Secure("t")));
        Assert.Equal("GetK8sServiceAccountConnectionParameterConflict,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
    }
}
