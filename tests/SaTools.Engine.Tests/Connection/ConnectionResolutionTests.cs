using SaTools.Engine.Api;
using SaTools.Engine.Connection;

namespace SaTools.Engine.Tests.Connection;

public sealed class ConnectionResolutionTests
{
    private static Func<string, string?> Env(string? kubeconfig) => name => name == "KUBECONFIG" ? kubeconfig : null;

    private static ConnectionOptions Options(TempKubeconfig dir, string? kubeconfigEnv = null, string? path = null, string? context = null) => new()
    {
        KubeconfigPath = path,
        Context = context,
        GetEnvironmentVariable = Env(kubeconfigEnv),
        HomeDirectory = dir.DirectoryPath,
        VerifyConnection = false,
    };

    [Fact]
    public void ExplicitKubeconfigAndCurrentContext()
    {
        using var dir = new TempKubeconfig();
        var path = dir.Write("a.yaml", TempKubeconfig.Yaml("alpha", ("alpha", "https://alpha.test:6443", "t-alpha", "team-a"), ("beta", "https://beta.test", "t-beta", null)));
        var resolved = ClientConfigurationResolver.Resolve(Options(dir, path: path));
        Assert.Equal("alpha", resolved.ContextName);
        Assert.Equal("https://alpha.test:6443", resolved.Configuration.Host);
        Assert.Equal("alpha-user", resolved.User);
        Assert.Equal("team-a", resolved.Configuration.Namespace);
        Assert.Equal("t-alpha", resolved.Configuration.AccessToken);
    }

    [Fact]
    public void ContextPicksAnotherContext()
    {
        using var dir = new TempKubeconfig();
        var path = dir.Write("a.yaml", TempKubeconfig.Yaml("alpha", ("alpha", "https://alpha.test", "t-alpha", null), ("beta", "https://beta.test", "t-beta", null)));
        var resolved = ClientConfigurationResolver.Resolve(Options(dir, path: path, context: "beta"));
        Assert.Equal("beta", resolved.ContextName);
        Assert.Equal("https://beta.test", resolved.Configuration.Host);
        Assert.Equal("t-beta", resolved.Configuration.AccessToken);
    }

    [Fact]
    public void KubeconfigVariableMergesSeveralFilesFirstWins()
    {
        using var dir = new TempKubeconfig();
        var first = dir.Write("first.yaml", TempKubeconfig.Yaml("alpha", ("alpha", "https://alpha-first.test", "t1", null)));
        var second = dir.Write("second.yaml", TempKubeconfig.Yaml("beta", ("alpha", "https://alpha-second.test", "t2", null), ("beta", "https://beta.test", "t3", null)));
        var missing = Path.Combine(dir.DirectoryPath, "missing.yaml");
        var env = string.Join(Path.PathSeparator, first, missing, second);

        var current = ClientConfigurationResolver.Resolve(Options(dir, kubeconfigEnv: env));
        Assert.Equal("alpha", current.ContextName); // the first file's current-context
        Assert.Equal("https://alpha-first.test", current.Configuration.Host); // the first definition of alpha

        var beta = ClientConfigurationResolver.Resolve(Options(dir, kubeconfigEnv: env, context: "beta"));
        Assert.Equal("https://beta.test", beta.Configuration.Host); // only the second file has beta
    }

    [Fact]
    public void HomeKubeconfigIsTheFallback()
    {
        using var dir = new TempKubeconfig();
        dir.Write(Path.Combine(".kube", "config"), TempKubeconfig.Yaml("home", ("home", "https://home.test", "t", null)));
        var resolved = ClientConfigurationResolver.Resolve(Options(dir));
        Assert.Equal("home", resolved.ContextName);
    }

    [Fact]
    public void NoKubeconfigAnywhereIsNoKubeconfig()
    {
        using var dir = new TempKubeconfig();
        if (k8s.KubernetesClientConfiguration.IsInCluster()) return; // a CI pod would use its own ServiceAccount
        var e = Assert.Throws<KubeApiException>(() => ClientConfigurationResolver.Resolve(Options(dir)));
        Assert.Equal(KubeErrorKind.NoKubeconfig, e.Kind);
        Assert.Contains("-Kubeconfig", e.Message);
    }

    [Fact]
    public void AMissingExplicitFileIsNoKubeconfig()
    {
        using var dir = new TempKubeconfig();
        var e = Assert.Throws<KubeApiException>(() => ClientConfigurationResolver.Resolve(Options(dir, path: Path.Combine(dir.DirectoryPath, "nope"))));
        Assert.Equal(KubeErrorKind.NoKubeconfig, e.Kind);
        Assert.Contains("nope", e.Message);
    }

    [Fact]
    public void UnknownContextNamesTheKnownOnes()
    {
        using var dir = new TempKubeconfig();
        var path = dir.Write("a.yaml", TempKubeconfig.Yaml("alpha", ("alpha", "https://alpha.test", "t", null), ("beta", "https://beta.test", "t", null)));
        var e = Assert.Throws<KubeApiException>(() => ClientConfigurationResolver.Resolve(Options(dir, path: path, context: "gamma")));
        Assert.Equal(KubeErrorKind.UnknownContext, e.Kind);
        Assert.Contains("gamma", e.Message);
        Assert.Contains("alpha, beta", e.Message);
    }

    [Fact]
    public void NoCurrentContextAsksForOne()
    {
        using var dir = new TempKubeconfig();
        var path = dir.Write("a.yaml", TempKubeconfig.Yaml(null, ("alpha", "https://alpha.test", "t", null)));
        var e = Assert.Throws<KubeApiException>(() => ClientConfigurationResolver.Resolve(Options(dir, path: path)));
        Assert.Equal(KubeErrorKind.UnknownContext, e.Kind);
        Assert.Contains("-Context", e.Message);
    }

    [Fact]
    public void UnreadableKubeconfigIsInvalidConfiguration()
    {
        using var dir = new TempKubeconfig();
        var path = dir.Write("bad.yaml", "this: is: not: [valid");
        var e = Assert.Throws<KubeApiException>(() => ClientConfigurationResolver.Resolve(Options(dir, path: path)));
        Assert.Equal(KubeErrorKind.InvalidConfiguration, e.Kind);
    }

    [Fact]
    public void ExplicitServerAndTokenReadNoKubeconfig()
    {
        using var dir = new TempKubeconfig();
        var options = new ConnectionOptions
        {
            Server = "https://10.0.0.1:6443", Token = "opaque-token", SkipTlsVerification = true,
            GetEnvironmentVariable = Env(Path.Combine(dir.DirectoryPath, "missing")), HomeDirectory = dir.DirectoryPath,
        };
        var resolved = ClientConfigurationResolver.Resolve(options);
        Assert.Equal("10.0.0.1:6443", resolved.ContextName);
        Assert.Equal("opaque-token", resolved.Configuration.AccessToken);
        Assert.True(resolved.Configuration.SkipTlsVerify);
        Assert.Null(resolved.User); // not a JWT
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://10.0.0.1")]
    [InlineData("10.0.0.1:6443")]
    public void ABadServerUrlIsInvalidConfiguration(string server)
    {
        var e = Assert.Throws<KubeApiException>(() => ClientConfigurationResolver.Resolve(new ConnectionOptions { Server = server, Token = "t" }));
        Assert.Equal(KubeErrorKind.InvalidConfiguration, e.Kind);
    }

    [Fact]
    public void TokenOverridesTheKubeconfigCredentials()
    {
        using var dir = new TempKubeconfig();
        var path = dir.Write("a.yaml", TempKubeconfig.Yaml("alpha", ("alpha", "https://alpha.test", "t-alpha", null)));
        var options = new ConnectionOptions { KubeconfigPath = path, Token = TokenIdentityTests.Jwt("system:serviceaccount:ops:auditor"), HomeDirectory = dir.DirectoryPath };
        var resolved = ClientConfigurationResolver.Resolve(options);
        Assert.Equal(options.Token, resolved.Configuration.AccessToken);
        Assert.Equal("system:serviceaccount:ops:auditor", resolved.User);
    }

    [Fact]
    public void KubeconfigContextsListsMergedContextsAndNeverThrows()
    {
        using var dir = new TempKubeconfig();
        var first = dir.Write("first.yaml", TempKubeconfig.Yaml("alpha", ("alpha", "https://a.test", "t", null)));
        var second = dir.Write("second.yaml", TempKubeconfig.Yaml("beta", ("beta", "https://b.test", "t", null)));
        Assert.Equal(new[] { "alpha", "beta" }, KubeconfigContexts.List(first + Path.PathSeparator + second));
        Assert.Empty(KubeconfigContexts.List(Path.Combine(dir.DirectoryPath, "missing")));
        Assert.Empty(KubeconfigContexts.List(dir.Write("bad.yaml", "::::")));
    }
}
