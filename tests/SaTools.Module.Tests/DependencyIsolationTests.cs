using System.Runtime.Loader;

namespace SaTools.Module.Tests;

/// <summary>
/// SaTools works in a process where another version of IdentityModel is already loaded (Az.Accounts next to it
/// in Azure Automation): its own copies load into its own AssemblyLoadContext from Dependencies/.
/// </summary>
public sealed class DependencyIsolationTests
{
    [Fact]
    public void ForeignIdentityModelIsLoadedAndUsedBeforeTheModule()
    {
        Assert.Null(ForeignIdentityModel.LoadFailure);
        Assert.Equal("system:serviceaccount:foreign:probe", ForeignIdentityModel.SubjectReadByForeignHandler);
        var tokens = AssemblyLoadContext.Default.Assemblies.Single(a => a.GetName().Name == "Microsoft.IdentityModel.Tokens");
        Assert.Equal(new Version(7, 7, 3, 0), tokens.GetName().Version);
    }

    [Fact]
    public void ModuleDecodesTokensWithItsOwnIdentityModel()
    {
        Assert.Null(ForeignIdentityModel.LoadFailure);
        using var server = new LoopbackApiServer();
        using var session = new ModuleSession();

        var token = TestTokens.Jwt("system:serviceaccount:automation:runbook");
        var connection = session.Run("Connect-K8sCluster -Server $args[0] -Token $args[1]", server.Url, TestTokens.Secure(token)).Single();

        // The engine's JsonWebTokenHandler (8.x) read the subject while 7.7.3 sits in the default context.
        Assert.Equal("system:serviceaccount:automation:runbook", connection.Properties["User"].Value);
        Assert.Equal("v1.31.0-loopback", connection.Properties["ServerVersion"].Value);

        var satools = AssemblyLoadContext.All.Single(c => c.Name == "SaTools");
        var ownTokens = satools.Assemblies.Single(a => a.GetName().Name == "Microsoft.IdentityModel.Tokens");
        Assert.True(ownTokens.GetName().Version >= new Version(8, 0), $"SaTools loaded {ownTokens.GetName().Version}");
        Assert.Contains(satools.Assemblies, a => a.GetName().Name == "SaTools.Engine");
        Assert.Contains(satools.Assemblies, a => a.GetName().Name == "KubernetesClient");
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name is "SaTools.Engine" or "KubernetesClient");
    }

    [Fact]
    public void RequestLogNeverShowsTheToken()
    {
        using var server = new LoopbackApiServer();
        using var session = new ModuleSession();
        var token = TestTokens.Jwt("system:serviceaccount:automation:runbook");
        var result = session.RunCapturing("""
            $DebugPreference = 'Continue'
            $c = Connect-K8sCluster -Server $args[0] -Token $args[1] -Verbose
            $c.ToString(); $c.PSObject.Properties | ForEach-Object { "$($_.Name)=$($_.Value)" }
            """, server.Url, TestTokens.Secure(token));
        Assert.Null(result.Terminating);
        Assert.Contains(result.Verbose, v => v.Contains("GET /version/ 200", StringComparison.Ordinal));
        Assert.Contains(server.Requests, r => r.Authorization == "Bearer " + token);
        var everything = string.Join("\n", result.Verbose.Concat(result.Debug).Concat(result.Output.Select(o => o.ToString())));
        Assert.DoesNotContain(token, everything);
        Assert.DoesNotContain(token.Split('.')[1], everything);
    }

    [Fact]
    public void RemoveAndImportAgainStillWorks()
    {
        using var server = new LoopbackApiServer();
        using var session = new ModuleSession();
        var user = session.Run("""
            param($url, $token, $manifest)
            $null = Connect-K8sCluster -Server $url -Token $token
            Remove-Module SaTools
            Import-Module $manifest
            (Connect-K8sCluster -Server $url -Token $token).User
            """, server.Url, TestTokens.Secure(TestTokens.Jwt("system:serviceaccount:a:b")), RepoPaths.ManifestPath).Single();
        Assert.Equal("system:serviceaccount:a:b", user.ToString());
        // One SaTools load context for the process, however often the module is imported.
        Assert.Single(System.Runtime.Loader.AssemblyLoadContext.All, c => c.Name == "SaTools");
    }
}
