using KubeSandbox;
using SaTools.Module.Tests.Sandbox;

namespace SaTools.Module.Tests.Rbac;

/// <summary>
/// -AllNamespaces writes rows while the ServiceAccount pages arrive; -Namespace '*' reads everything first. Both must
/// give the same rows in the same order, the API's, also across pages and with a namespace ("scale") that the server
/// lists after the namespaces it is a prefix of ("scale-0000"...).
/// </summary>
public sealed class EffectivePermissionStreamingTests : IClassFixture<EffectivePermissionStreamingTests.PrefixFixture>
{
    private readonly PrefixFixture _fixture;

    public EffectivePermissionStreamingTests(PrefixFixture fixture) => _fixture = fixture;

    /// <summary>A small scale scenario (3 pages of ServiceAccounts) plus namespace "scale" with a grant of its own.</summary>
    public sealed class PrefixFixture : SandboxFixture
    {
        protected override SandboxOptions Options => new()
        {
            Scenario = "scale",
            Scale = new ScaleOptions
            {
                Namespaces = 40, ServiceAccounts = 1200, Pods = 0, Roles = 80, RoleBindings = 160,
                ClusterRoles = 20, ClusterRoleBindings = 30, LegacySecrets = 0,
            },
        };

        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await CreateAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"scale"}}""");
            await WaitForDefaultServiceAccountAsync("scale");
            await CreateAsync("/api/v1/namespaces/scale/serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"robot","namespace":"scale"}}""");
            await CreateAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/scale/rolebindings",
                """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"robot-edit","namespace":"scale"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"},"subjects":[{"kind":"ServiceAccount","name":"robot"}]}""");
        }
    }

    [Theory]
    [InlineData("-Summary")]
    [InlineData("-Verb get -Resource secrets")]
    [InlineData("-Scope Cluster")]
    public void RowsWrittenWhileReadingAreTheRowsOfAFullRead(string arguments)
    {
        using var session = new ModuleSession();
        var streamed = Rows(session, $"-AllNamespaces {arguments}");
        var readFirst = Rows(session, $"-Namespace '*' {arguments}");

        Assert.True(streamed.Count > 100, $"only {streamed.Count} rows");
        Assert.Equal(readFirst, streamed);
    }

    [Fact]
    public void RowsComeInTheApisOrderAsKubectlPrintsThem()
    {
        using var session = new ModuleSession();
        var namespaces = session.Run("param($kc) Get-K8sEffectivePermission -Kubeconfig $kc -AllNamespaces -Summary | ForEach-Object Namespace", _fixture.Kubeconfig)
            .Select(o => o.ToString()!).Distinct().ToList();
        // kubectl get serviceaccounts -A prints the server's order: "scale-0000/..." sorts before "scale/...".
        var listed = session.Run("param($kc) Get-K8sServiceAccount -Kubeconfig $kc -AllNamespaces | ForEach-Object Namespace", _fixture.Kubeconfig)
            .Select(o => o.ToString()!).Distinct().ToList();

        Assert.Contains("scale", namespaces);
        Assert.Equal(listed, namespaces);
        Assert.Equal("scale", namespaces[^1]);
        Assert.StartsWith("scale-", namespaces[^2]);
    }

    private List<string> Rows(ModuleSession session, string arguments)
    {
        // Every property, as a CSV row would hold it (the hosted runspace has no ConvertTo-Csv).
        var result = session.RunCapturing(
            $"param($kc) Get-K8sEffectivePermission -Kubeconfig $kc {arguments} | ForEach-Object {{ ($_.PSObject.Properties | ForEach-Object {{ $_.Name + '=' + $_.Value }}) -join '|' }}",
            _fixture.Kubeconfig);
        Assert.Empty(result.AllErrors.Select(e => e.ToString()));
        return result.Output.Select(o => o.ToString()).ToList();
    }
}
