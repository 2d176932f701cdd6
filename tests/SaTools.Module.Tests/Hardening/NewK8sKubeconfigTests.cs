using System.Text.Json.Nodes;
using static SaTools.Module.Tests.Hardening.HardeningSandbox;

namespace SaTools.Module.Tests.Hardening;

/// <summary>New-K8sKubeconfig against the sandbox: the file's mode and content, and that the real kubectl and
/// Connect-K8sCluster accept it.</summary>
public sealed class NewK8sKubeconfigTests : IAsyncLifetime
{
    private HardeningSandbox _s = null!;

    public async Task InitializeAsync() => _s = await HardeningSandbox.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private int TokenRequests(int since) =>
        _s.Server.Requests.Snapshot().Skip(since).Count(r => r.Method == "POST" && r.Path.EndsWith("/token", StringComparison.Ordinal));

    [Fact]
    public void WritesAnOwnerOnlyKubeconfigThatKubectlAndConnectAccept()
    {
        var path = Path.Combine(_s.Directory, "ci.kubeconfig");
        var run = _s.Run("New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path $args[0]", path);

        Assert.Empty(run.AllErrors);
        var info = Assert.Single(run.Output);
        Assert.Equal((path, "ci", "deployer", "deployer@sandbox", "False"),
            (Prop(info, "Path"), Prop(info, "Namespace"), Prop(info, "ServiceAccount"), Prop(info, "Context"), Prop(info, "Capped")));
        var expires = (DateTime)info.Properties["ExpiresAt"].Value;
        Assert.InRange(expires, DateTime.UtcNow.AddMinutes(55), DateTime.UtcNow.AddMinutes(65));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        // Only this cluster, one user named for the ServiceAccount, one context with the namespace, current.
        var config = Kubectl.Succeed(path, "config", "view", "--raw", "-o", "json");
        var doc = JsonNode.Parse(config)!;
        Assert.Equal("deployer@sandbox", doc["current-context"]!.GetValue<string>());
        var cluster = Assert.Single(doc["clusters"]!.AsArray())!;
        Assert.Equal(_s.Server.Url, cluster["cluster"]!["server"]!.GetValue<string>().TrimEnd('/'));
        Assert.False(string.IsNullOrEmpty(cluster["cluster"]!["certificate-authority-data"]?.GetValue<string>()));
        var user = Assert.Single(doc["users"]!.AsArray())!;
        Assert.Equal("deployer", user["name"]!.GetValue<string>());
        var token = user["user"]!["token"]!.GetValue<string>();
        var context = Assert.Single(doc["contexts"]!.AsArray())!;
        Assert.Equal(("sandbox", "deployer", "ci"), (context["context"]!["cluster"]!.GetValue<string>(),
            context["context"]!["user"]!.GetValue<string>(), context["context"]!["namespace"]!.GetValue<string>()));

        // The output never holds the token.
        Assert.All(info.Properties, p => Assert.DoesNotContain(token, p.Value?.ToString() ?? "", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Verbose.Concat(run.Warnings).Concat(run.Debug), m => m.Contains(token, StringComparison.Ordinal));

        // kubectl: who am I (SelfSubjectReview), and a read in the context's namespace.
        var whoami = JsonNode.Parse(Kubectl.Succeed(path, "auth", "whoami", "-o", "json"))!;
        Assert.Equal("system:serviceaccount:ci:deployer", whoami["status"]!["userInfo"]!["username"]!.GetValue<string>());
        Assert.Contains("deployer", Kubectl.Succeed(path, "get", "sa", "-o", "name"), StringComparison.Ordinal);

        // Connect-K8sCluster reads it as any kubeconfig (the session's default -Kubeconfig, the admin's, is dropped
        // so the connection is the session's default); the context's namespace is the one used.
        var connect = _s.Run("$PSDefaultParameterValues.Clear(); Connect-K8sCluster -Kubeconfig $args[0] | Out-Null; Get-K8sServiceAccount -Name deployer", path);
        Assert.Empty(connect.AllErrors);
        Assert.Contains(connect.Output, o => Prop(o, "Name") == "deployer" && Prop(o, "Namespace") == "ci");
    }

    [Fact]
    public void AnExistingFileIsReplacedOnlyWithForceAndThenOwnerOnly()
    {
        var path = Path.Combine(_s.Directory, "existing.kubeconfig");
        File.WriteAllText(path, "keep me");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        var mark = _s.Server.Requests.Count;

        var refused = _s.Run("New-K8sKubeconfig -Namespace ci -ServiceAccount runner -Duration 30m -Path $args[0]", path);

        var error = Assert.Single(refused.Errors);
        Assert.Equal("NewK8sKubeconfigFileExists,SaTools.Commands.NewK8sKubeconfigCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Equal(0, TokenRequests(mark));

        var replaced = _s.Run("New-K8sKubeconfig -Namespace ci -ServiceAccount runner -Duration 30m -Path $args[0] -Force -Confirm:$false", path);

        Assert.Empty(replaced.AllErrors);
        Assert.Contains("runner@sandbox", File.ReadAllText(path), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        Assert.Equal(1, TokenRequests(mark));
        Assert.Single(Directory.GetFiles(_s.Directory, "*existing*"));  // no temporary file left behind
    }

    [Fact]
    public void WhatIfMintsNothingAndWritesNothing()
    {
        var path = Path.Combine(_s.Directory, "whatif.kubeconfig");
        var mark = _s.Server.Requests.Count;
        var run = _s.Run("New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path $args[0] -WhatIf", path);
        Assert.Empty(run.AllErrors);
        Assert.Empty(run.Output);
        Assert.False(File.Exists(path));
        Assert.Equal(0, TokenRequests(mark));
    }

    [Fact]
    public void BadInputIsRefusedBeforeAnyRequest()
    {
        var mark = _s.Server.Requests.Count;
        var tooShort = _s.Run("New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 5m -Path $args[0]", Path.Combine(_s.Directory, "a"));
        Assert.Contains("ParameterArgumentValidationError", tooShort.Terminating?.FullyQualifiedErrorId ?? "");
        var noDir = _s.Run("New-K8sKubeconfig -Namespace ci -ServiceAccount deployer -Duration 1h -Path $args[0]", Path.Combine(_s.Directory, "missing", "a"));
        Assert.Equal("NewK8sKubeconfigDirectoryNotFound,SaTools.Commands.NewK8sKubeconfigCommand", Assert.Single(noDir.Errors).FullyQualifiedErrorId);
        Assert.Equal(0, TokenRequests(mark));
    }

    [Fact]
    public void AMissingServiceAccountIsASpecificErrorAndNoFile()
    {
        var path = Path.Combine(_s.Directory, "nobody.kubeconfig");
        var run = _s.Run("New-K8sKubeconfig -Namespace ci -ServiceAccount nobody -Duration 1h -Path $args[0]", path);
        Assert.Equal("NewK8sKubeconfigServiceAccountNotFound,SaTools.Commands.NewK8sKubeconfigCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.False(File.Exists(path));
    }
}
