using System.Management.Automation;
using KubeSandbox;
using KubeSandbox.Security;
using Microsoft.Extensions.DependencyInjection;

namespace SaTools.Module.Tests.Sandbox;

/// <summary>
/// A sandbox whose authorizer refuses ServiceAccounts in namespace <c>restricted</c> (and allows system:masters
/// everything else), to prove a 403 on part of the work is non-terminating.
/// </summary>
public sealed class ForbiddenNamespaceSandboxFixture : SandboxFixture
{
    protected override SandboxOptions Options => new()
    {
        Scenario = "demo",
        ConfigureServices = services => services.AddSingleton<IAuthorizer>(new RestrictedNamespaceAuthorizer()),
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var ns in new[] { "open", "restricted" })
        {
            await CreateAsync("/api/v1/namespaces", $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
            await CreateAsync($"/api/v1/namespaces/{ns}/serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"app"}}""");
        }
    }

    /// <summary>A kubeconfig acting as ServiceAccount <c>open/app</c>, which may read ServiceAccounts (outside
    /// <c>restricted</c>) and nothing else: not even the list of namespaces.</summary>
    public async Task<string> ReaderKubeconfigAsync()
    {
        var token = await Sandbox.CreateTokenAsync("open", "app");
        return Sandbox.WriteKubeconfig(Path.Combine(Directory, "reader.yaml"), token: token, contextName: "reader");
    }

    private sealed class RestrictedNamespaceAuthorizer : IAuthorizer
    {
        public AuthorizationDecision Authorize(RequestAttributes a) =>
            a.Resource == "serviceaccounts" && a.Namespace == "restricted" && a.Verb is "get" or "list" or "watch"
                ? new AuthorizationDecision(false, "", Array.Empty<string>())
                : new AuthorizationDecision(a.User.Groups.Contains("system:masters") || IsServiceAccountRead(a), "", Array.Empty<string>());

        private static bool IsServiceAccountRead(RequestAttributes a) =>
            a.User.Name.StartsWith("system:serviceaccount:", StringComparison.Ordinal) && a.Resource == "serviceaccounts" && a.Verb is "get" or "list";
    }
}

public sealed class PartialForbiddenTests(ForbiddenNamespaceSandboxFixture fixture) : IClassFixture<ForbiddenNamespaceSandboxFixture>
{
    [Fact]
    public void A403OnOneNamespaceIsNonTerminatingAndTheRestComesOut()
    {
        using var session = new ModuleSession();
        var result = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace restricted, open -Name app", fixture.Kubeconfig);
        Assert.Null(result.Terminating);
        Assert.Equal("open", Assert.Single(result.Output).Properties["Namespace"].Value);
        var error = Assert.Single(result.Errors);
        Assert.Equal("GetK8sServiceAccountForbidden,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Equal("restricted/app", error.TargetObject);
        Assert.Contains("forbidden", error.Exception.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Ask a cluster administrator", error.Exception.Message);

        var listing = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace restricted, open", fixture.Kubeconfig);
        Assert.Null(listing.Terminating);
        Assert.Contains(listing.Output, o => (string)o.Properties["Name"].Value == "app");
        Assert.Equal("restricted", Assert.Single(listing.Errors).TargetObject);
    }

    [Fact]
    public async Task AForbiddenNamespaceListLeavesTheLiteralNamespacesWorking()
    {
        // -Namespace 'op*' needs the list of namespaces, which this identity may not read: a non-terminating
        // error for the pattern's part, and the literal namespace still comes out.
        var reader = await fixture.ReaderKubeconfigAsync();
        using var session = new ModuleSession();
        var result = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace 'op*', open", reader);
        Assert.Null(result.Terminating);
        Assert.Contains(result.Output, o => (string)o.Properties["Namespace"].Value == "open" && (string)o.Properties["Name"].Value == "app");
        // One error, the real cause: not also a NamespaceNotFound for a pattern that was never matched against anything.
        var error = Assert.Single(result.Errors);
        Assert.Equal("GetK8sServiceAccountNamespaceListForbidden,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Equal("namespaces", (string)error.TargetObject);
    }

    [Fact]
    public void APatternThatMatchesNoNamespaceIsQuietAndAMissingNameIsNonTerminatingObjectNotFound()
    {
        // As Get-ChildItem: a wildcard that matches nothing is no error; a literal name that names nothing is
        // (issue 12: NamespaceNotFound, ObjectNotFound, the name as target).
        using var session = new ModuleSession();
        var result = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace 'nomatch-*', no-such-ns, open -Verbose", fixture.Kubeconfig);
        Assert.Null(result.Terminating);
        Assert.Contains(result.Output, o => (string)o.Properties["Namespace"].Value == "open");
        var error = Assert.Single(result.Errors);
        Assert.Equal("GetK8sServiceAccountNamespaceNotFound,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("no-such-ns", error.TargetObject);
        Assert.Contains(result.Verbose, v => v.Contains("No namespace matches 'nomatch-*'", StringComparison.Ordinal));
    }
}

public sealed class ConnectionPathTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private static ErrorRecord Terminating(ModuleSession.Result result)
    {
        Assert.NotNull(result.Terminating);
        Assert.IsNotType<AggregateException>(result.Terminating!.Exception);
        return result.Terminating;
    }

    [Fact]
    public void KubeconfigFile()
    {
        using var session = new ModuleSession();
        var c = session.Run("Connect-K8sCluster -Kubeconfig $args[0]", fixture.Kubeconfig).Single();
        Assert.Equal("sandbox", c.Properties["Context"].Value);
        Assert.Equal(fixture.Sandbox.Url, c.Properties["Server"].Value);
    }

    [Fact]
    public void KubeconfigParameterTakesSeveralFiles()
    {
        using var session = new ModuleSession();
        var first = fixture.Sandbox.WriteKubeconfig(Path.Combine(fixture.Directory, "param-first.yaml"), contextName: "param-first");
        var second = fixture.Sandbox.WriteKubeconfig(Path.Combine(fixture.Directory, "param-second.yaml"), contextName: "param-second");
        var both = first + Path.PathSeparator + second;
        Assert.Equal("param-first", session.Run("(Connect-K8sCluster -Kubeconfig $args[0]).Context", both).Single().ToString());
        Assert.Equal("param-second", session.Run("(Connect-K8sCluster -Kubeconfig $args[0] -Context param-second).Context", both).Single().ToString());
    }

    [Fact]
    public void ExecCredentialPlugin()
    {
        if (OperatingSystem.IsWindows()) return; // the plugin below is cat
        // A kubeconfig whose user runs a credential plugin (as kubelogin, aws eks get-token or
        // gke-gcloud-auth-plugin do) printing an ExecCredential with the admin token.
        var credential = $$$"""{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"{{{fixture.Sandbox.AdminToken}}}"}}""";
        var credentialFile = Path.Combine(fixture.Directory, "exec-credential.json");
        File.WriteAllText(credentialFile, credential);
        var yaml = fixture.Sandbox.KubeconfigYaml(contextName: "exec");
        var userStart = yaml.IndexOf("  user:\n", StringComparison.Ordinal);
        var userEnd = yaml.IndexOf("contexts:", StringComparison.Ordinal);
        yaml = yaml[..userStart] + "  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: cat\n" +
               $"      args:\n      - {credentialFile}\n      interactiveMode: Never\n" + yaml[userEnd..];
        var path = Path.Combine(fixture.Directory, "exec.yaml");
        File.WriteAllText(path, yaml);

        using var session = new ModuleSession();
        var result = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace default", path);
        Assert.True(result.AllErrors.FirstOrDefault() is null, result.AllErrors.FirstOrDefault()?.ToString());
        Assert.Contains(result.Output, o => (string)o.Properties["Name"].Value == "default" && (string)o.Properties["Context"].Value == "exec");
    }

    [Fact]
    public void AFailingExecPluginIsAnInvalidSettingWithoutStackTrace()
    {
        if (OperatingSystem.IsWindows()) return;
        var yaml = fixture.Sandbox.KubeconfigYaml(contextName: "broken-exec");
        var userStart = yaml.IndexOf("  user:\n", StringComparison.Ordinal);
        var userEnd = yaml.IndexOf("contexts:", StringComparison.Ordinal);
        yaml = yaml[..userStart] + "  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: \"false\"\n      interactiveMode: Never\n" + yaml[userEnd..];
        var path = Path.Combine(fixture.Directory, "broken-exec.yaml");
        File.WriteAllText(path, yaml);

        using var session = new ModuleSession();
        var error = Terminating(session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0]", path));
        Assert.Equal("GetK8sServiceAccountInvalidConnectionSettings,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
        Assert.DoesNotContain("\n", error.Exception.Message.Trim());
        Assert.DoesNotContain(" at ", error.Exception.Message);
        Assert.Contains("broken-exec", error.Exception.Message);
    }

    [Fact]
    public void ContextChoice()
    {
        // Two contexts to the same server: the current one with a rejected token, the other with the admin token.
        using var session = new ModuleSession();
        var path = Path.Combine(fixture.Directory, "two-contexts.yaml");
        var good = fixture.Sandbox.KubeconfigYaml(contextName: "good");
        var bad = fixture.Sandbox.KubeconfigYaml(token: "rejected-token", contextName: "bad");
        File.WriteAllText(path, MergeKubeconfigs(bad, good, currentContext: "bad"));

        var fails = Terminating(session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace default", path));
        Assert.Equal("GetK8sServiceAccountUnauthorized,SaTools.Commands.GetK8sServiceAccountCommand", fails.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, fails.CategoryInfo.Category);

        var works = session.Run("Get-K8sServiceAccount -Kubeconfig $args[0] -Context good -Namespace default", path);
        Assert.Contains(works, o => (string)o.Properties["Name"].Value == "default" && (string)o.Properties["Context"].Value == "good");
    }

    [Fact]
    public void ExplicitServerTokenAndCertificateAuthority()
    {
        using var session = new ModuleSession();
        var token = TestTokens.Secure(fixture.Sandbox.AdminToken);
        // PEM text, as a Key Vault secret holds it.
        var c = session.Run("Connect-K8sCluster -Server $args[0] -Token $args[1] -CertificateAuthority $args[2]", fixture.Sandbox.Url, token, fixture.Sandbox.CaCertificatePem).Single();
        Assert.Equal(new Uri(fixture.Sandbox.Url).Authority, c.Properties["Context"].Value);
        // A CA file.
        var caPath = Path.Combine(fixture.Directory, "ca.crt");
        File.WriteAllText(caPath, fixture.Sandbox.CaCertificatePem);
        var output = session.Run("Get-K8sServiceAccount -Server $args[0] -Token $args[1] -CertificateAuthority $args[2] -Namespace default", fixture.Sandbox.Url, token, caPath);
        Assert.Contains(output, o => (string)o.Properties["Name"].Value == "default");
    }

    [Fact]
    public void AnUntrustedServerCertificateIsATlsFailure()
    {
        using var session = new ModuleSession();
        var token = TestTokens.Secure(fixture.Sandbox.AdminToken);
        // No CA: the system roots do not know the sandbox's CA.
        var noCa = Terminating(session.RunCapturing("Connect-K8sCluster -Server $args[0] -Token $args[1]", fixture.Sandbox.Url, token));
        Assert.Equal("ConnectK8sClusterTlsFailure,SaTools.Commands.ConnectK8sClusterCommand", noCa.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.SecurityError, noCa.CategoryInfo.Category);
        Assert.Contains("-CertificateAuthority", noCa.Exception.Message);

        // A wrong CA.
        using var otherKey = System.Security.Cryptography.ECDsa.Create();
        var otherCa = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=other-ca", otherKey, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).ExportCertificatePem();
        var wrongCa = Terminating(session.RunCapturing("Get-K8sServiceAccount -Server $args[0] -Token $args[1] -CertificateAuthority $args[2]", fixture.Sandbox.Url, token, otherCa));
        Assert.Equal("GetK8sServiceAccountTlsFailure,SaTools.Commands.GetK8sServiceAccountCommand", wrongCa.FullyQualifiedErrorId);
    }

    [Fact]
    public void SkipTlsVerificationConnectsAndWarns()
    {
        using var session = new ModuleSession();
        var result = session.RunCapturing("Get-K8sServiceAccount -Server $args[0] -Token $args[1] -SkipTlsVerification -Namespace default", fixture.Sandbox.Url, TestTokens.Secure(fixture.Sandbox.AdminToken));
        Assert.Null(result.Terminating);
        Assert.Contains(result.Output, o => (string)o.Properties["Name"].Value == "default");
        Assert.Contains(result.Warnings, w => w.Contains("TLS verification is off", StringComparison.Ordinal));
    }

    [Fact]
    public void ABadCertificateAuthorityIsAnInvalidSetting()
    {
        using var session = new ModuleSession();
        var error = Terminating(session.RunCapturing("Connect-K8sCluster -Server $args[0] -Token $args[1] -CertificateAuthority $args[2]",
            fixture.Sandbox.Url, TestTokens.Secure(fixture.Sandbox.AdminToken), "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----"));
        Assert.Equal("ConnectK8sClusterInvalidConnectionSettings,SaTools.Commands.ConnectK8sClusterCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void ARejectedTokenIs401()
    {
        using var session = new ModuleSession();
        var error = Terminating(session.RunCapturing("Get-K8sServiceAccount -Server $args[0] -Token $args[1] -CertificateAuthority $args[2] -AllNamespaces",
            fixture.Sandbox.Url, TestTokens.Secure("not-a-token"), fixture.Sandbox.CaCertificatePem));
        Assert.Equal("GetK8sServiceAccountUnauthorized,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.DoesNotContain("not-a-token", error.Exception.Message);
    }

    internal static string MergeKubeconfigs(string first, string second, string currentContext)
    {
        // Both come from KubeconfigYaml: take each section's items and write one file.
        static string Section(string yaml, string name)
        {
            var lines = yaml.Split('\n');
            var start = Array.FindIndex(lines, l => l == name + ":");
            var items = lines.Skip(start + 1).TakeWhile(l => l.StartsWith("- ") || l.StartsWith("  "));
            return string.Join("\n", items);
        }
        return $"apiVersion: v1\nkind: Config\ncurrent-context: {currentContext}\nclusters:\n{Section(first, "clusters")}\n{Section(second, "clusters")}\n" +
               $"users:\n{Section(first, "users")}\n{Section(second, "users")}\ncontexts:\n{Section(first, "contexts")}\n{Section(second, "contexts")}\n";
    }
}

/// <summary>$env:KUBECONFIG is process-wide: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(KubeconfigVariableCollection), DisableParallelization = true)]
public sealed class KubeconfigVariableCollection;

[Collection(nameof(KubeconfigVariableCollection))]
public sealed class KubeconfigVariableTests : IAsyncLifetime
{
    private readonly SandboxFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public void MergedKubeconfigVariable()
    {
        var first = _fixture.Sandbox.WriteKubeconfig(Path.Combine(_fixture.Directory, "first.yaml"), token: "rejected-token", contextName: "first");
        var second = _fixture.Sandbox.WriteKubeconfig(Path.Combine(_fixture.Directory, "second.yaml"), contextName: "second");
        var missing = Path.Combine(_fixture.Directory, "missing.yaml");
        var previous = Environment.GetEnvironmentVariable("KUBECONFIG");
        try
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", string.Join(Path.PathSeparator, first, missing, second));
            using var session = new ModuleSession();
            // The first file's current-context (a rejected token) is the one used...
            var failing = session.RunCapturing("Get-K8sServiceAccount -Namespace default");
            Assert.Equal("GetK8sServiceAccountUnauthorized,SaTools.Commands.GetK8sServiceAccountCommand", failing.Terminating?.FullyQualifiedErrorId);
            // ...and the second file's context is there too.
            var c = session.Run("Connect-K8sCluster -Context second").Single();
            Assert.Equal("second", c.Properties["Context"].Value);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", previous);
        }
    }

    [Fact]
    public void HomeKubeconfigWhenKubeconfigVariableIsUnset()
    {
        if (OperatingSystem.IsWindows()) return; // the user profile folder does not follow $env:USERPROFILE there
        var home = Path.Combine(_fixture.Directory, "home");
        Directory.CreateDirectory(Path.Combine(home, ".kube"));
        _fixture.Sandbox.WriteKubeconfig(Path.Combine(home, ".kube", "config"), contextName: "from-home");
        var previousHome = Environment.GetEnvironmentVariable("HOME");
        var previousKubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG");
        try
        {
            Environment.SetEnvironmentVariable("HOME", home);
            Environment.SetEnvironmentVariable("KUBECONFIG", null);
            using var session = new ModuleSession();
            var output = session.Run("Get-K8sServiceAccount -Namespace default");
            Assert.Contains(output, o => (string)o.Properties["Name"].Value == "default" && (string)o.Properties["Context"].Value == "from-home");
        }
        finally
        {
            Environment.SetEnvironmentVariable("HOME", previousHome);
            Environment.SetEnvironmentVariable("KUBECONFIG", previousKubeconfig);
        }
    }

    [Fact]
    public void InClusterConfigurationWhenNoKubeconfigExists()
    {
        // A pod: KUBERNETES_SERVICE_HOST/PORT set, the mounted token, CA and namespace files, no kubeconfig.
        // KubernetesClient reads the files from its internal ServiceAccountPath (/var/run/secrets/kubernetes.io/
        // serviceaccount, "internal for testing" in KubernetesClientConfiguration.InCluster.cs); the test points
        // the module's own copy of the library (in the SaTools load context) at a temporary folder.
        var mount = Path.Combine(_fixture.Directory, "serviceaccount");
        Directory.CreateDirectory(mount);
        File.WriteAllText(Path.Combine(mount, "token"), _fixture.Sandbox.AdminToken);
        File.WriteAllText(Path.Combine(mount, "ca.crt"), _fixture.Sandbox.CaCertificatePem);
        File.WriteAllText(Path.Combine(mount, "namespace"), "kube-system");
        var variables = new Dictionary<string, string?>
        {
            ["KUBECONFIG"] = Path.Combine(_fixture.Directory, "missing-kubeconfig"),
            ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1",
            ["KUBERNETES_SERVICE_PORT"] = _fixture.Sandbox.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var previous = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        using var session = new ModuleSession();
        var library = System.Runtime.Loader.AssemblyLoadContext.All.Single(c => c.Name == "SaTools").Assemblies
            .Single(a => a.GetName().Name == "KubernetesClient");
        var pathField = library.GetType("k8s.KubernetesClientConfiguration", throwOnError: true)!
            .GetField("ServiceAccountPath", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var defaultPath = pathField.GetValue(null);
        try
        {
            foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
            pathField.SetValue(null, mount);

            var connection = session.Run("Connect-K8sCluster").Single();
            Assert.Equal("in-cluster", connection.Properties["Context"].Value);
            Assert.Equal("kube-system", connection.Properties["Namespace"].Value);
            Assert.Equal($"https://127.0.0.1:{_fixture.Sandbox.Port}/", new Uri((string)connection.Properties["Server"].Value).ToString());

            // Without Connect-K8sCluster too: a fresh session, no parameter, the pod's namespace.
            using var fresh = new ModuleSession();
            var result = fresh.RunCapturing("Get-K8sServiceAccount");
            Assert.True(result.AllErrors.FirstOrDefault() is null, result.AllErrors.FirstOrDefault()?.ToString());
            Assert.NotEmpty(result.Output);
            Assert.All(result.Output, o =>
            {
                Assert.Equal("in-cluster", o.Properties["Context"].Value);
                Assert.Equal("kube-system", o.Properties["Namespace"].Value);
            });
        }
        finally
        {
            pathField.SetValue(null, defaultPath);
            foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value);
        }
    }

    [Fact]
    public void NoKubeconfigAnywhere()
    {
        var previous = Environment.GetEnvironmentVariable("KUBECONFIG");
        try
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", Path.Combine(_fixture.Directory, "missing-a") + Path.PathSeparator + Path.Combine(_fixture.Directory, "missing-b"));
            using var session = new ModuleSession();
            var result = session.RunCapturing("Get-K8sServiceAccount");
            Assert.NotNull(result.Terminating);
            Assert.Equal("GetK8sServiceAccountNoKubeconfig,SaTools.Commands.GetK8sServiceAccountCommand", result.Terminating!.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, result.Terminating.CategoryInfo.Category);
            Assert.Contains("-Server", result.Terminating.Exception.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", previous);
        }
    }
}
