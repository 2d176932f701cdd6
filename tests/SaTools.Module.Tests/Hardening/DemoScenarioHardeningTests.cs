using static SaTools.Module.Tests.Hardening.HardeningSandbox;

namespace SaTools.Module.Tests.Hardening;

/// <summary>The hardening cmdlets on the demo scenario as it ships: what an operator sees on first run.</summary>
public sealed class DemoScenarioHardeningTests : IAsyncLifetime
{
    private HardeningSandbox _s = null!;

    public async Task InitializeAsync() => _s = await HardeningSandbox.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public void ImpactColumnNamesTheDemoPodsOnTheDefaultToken()
    {
        var run = _s.Run("Disable-K8sDefaultAutomount -Namespace shop, payments, legacy-apps -WhatIf -PassThru");
        Assert.Empty(run.AllErrors);
        var rows = run.Output.ToDictionary(o => Prop(o, "Namespace"));
        Assert.Equal("WouldPatch", Prop(rows["shop"], "Action"));
        Assert.Equal("debug-shell", Prop(rows["shop"], "RelyingPods"));          // batch-report opted out in its own spec
        Assert.Equal("AlreadyDisabled", Prop(rows["payments"], "Action"));
        Assert.Equal("False", Prop(rows["payments"], "Previous"));
        Assert.Equal("monolith", Prop(rows["legacy-apps"], "RelyingPods"));
        Assert.Empty(_s.Writes());
    }

    [Fact]
    public void LegacyTokensOfTheDemoHaveTheirStatus()
    {
        var run = _s.Run("Get-K8sLegacyToken -AllNamespaces");
        Assert.Empty(run.AllErrors);
        var rows = run.Output.ToDictionary(o => $"{Prop(o, "Namespace")}/{Prop(o, "Name")}");
        Assert.Equal("InUse", Prop(rows["payments/ledger-token"], "Status"));
        Assert.Equal("InUse", Prop(rows["legacy-apps/reporter-token"], "Status"));
        Assert.Equal("reporter-cron", Prop(rows["legacy-apps/reporter-token"], "MountedBy"));
        Assert.Equal("Invalidated", Prop(rows["legacy-apps/old-deployer-token"], "Status"));
        Assert.Equal("Unused", Prop(rows["ci/deployer-token"], "Status"));
        Assert.Equal("", Prop(rows["ci/deployer-token"], "LastUsed"));

        // Each table view (the hosted runspace has no Out-String to render it) names only real properties.
        AssertViewColumnsExist(run.Output[0]);
        AssertViewColumnsExist(_s.Run("Disable-K8sDefaultAutomount -Namespace shop -WhatIf -PassThru").Output.Single());
        AssertViewColumnsExist(_s.Run("Get-K8sServiceAccountUsage -Namespace shop").Output[0]);
        AssertViewColumnsExist(_s.Run("Get-K8sServiceAccountUsage -Namespace shop -Summary").Output[0]);
        AssertViewColumnsExist(_s.Run("Disable-K8sLegacyToken -Namespace ci -Name deployer-token -WhatIf").Output.Single());
    }

    private static void AssertViewColumnsExist(System.Management.Automation.PSObject o)
    {
        var typeName = o.BaseObject.GetType().FullName!;
        var views = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.ModuleDirectory, "SaTools.Format.ps1xml"))
            .Descendants("View").Where(v => v.Element("ViewSelectedBy")?.Element("TypeName")?.Value == typeName).ToList();
        var view = Assert.Single(views);
        var properties = view.Descendants("PropertyName").Select(p => p.Value).ToList();
        Assert.NotEmpty(properties);
        Assert.All(properties, p => Assert.NotNull(o.Properties[p]));
        // Script columns read properties by $_.Name: those must exist too.
        foreach (var script in view.Descendants("ScriptBlock").Select(b => b.Value))
        {
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(script, @"\$_\.(\w+)"))
            {
                Assert.NotNull(o.Properties[m.Groups[1].Value]);
            }
        }
    }

    [Fact]
    public async Task AMountedDemoTokenIsNotRetiredWithoutForce()
    {
        var run = _s.Run("Get-K8sLegacyToken -Namespace legacy-apps | Where-Object Name -eq reporter-token | Remove-K8sLegacyToken -Confirm:$false");
        Assert.Equal("Refused", Prop(Assert.Single(run.Output), "Action"));
        Assert.Equal("RemoveK8sLegacyTokenSecretMounted,SaTools.Commands.RemoveK8sLegacyTokenCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Equal(200, await _s.StatusOfGetAsync("/api/v1/namespaces/legacy-apps/secrets/reporter-token"));

        var forced = _s.Run("Remove-K8sLegacyToken -Namespace legacy-apps -Name reporter-token -Force -Confirm:$false");
        Assert.Empty(forced.AllErrors);
        Assert.Equal("Removed", Prop(Assert.Single(forced.Output), "Action"));
        Assert.Equal(404, await _s.StatusOfGetAsync("/api/v1/namespaces/legacy-apps/secrets/reporter-token"));
    }

    [Fact]
    public void DemoOwnersAreResolvedToTheirWorkloads()
    {
        var run = _s.Run("Get-K8sServiceAccountUsage -AllNamespaces");
        Assert.Empty(run.AllErrors);
        var owners = run.Output.ToDictionary(o => $"{Prop(o, "Namespace")}/{Prop(o, "Pod")}", o => Prop(o, "Owner"));
        Assert.Equal("Deployment/frontend", owners["shop/frontend-6d4cf56db6-x2k9w"]);
        Assert.Equal("Deployment/prometheus", owners["monitoring/prometheus-5f7b9c8d6d-x2k9w"]);
        Assert.Equal("StatefulSet/ledger", owners["payments/ledger-0"]);
        Assert.Equal("DaemonSet/node-exporter", owners["monitoring/node-exporter-x7k2p"]);
        Assert.Equal("CronJob/nightly-etl", owners["data/nightly-etl-28391040-abcde"]);
        Assert.Equal("Deployment/backend", owners["shop/backend-7c9f8b5d44-x2k9w"]);
        Assert.Equal("DaemonSet/node-exporter", owners["monitoring/node-exporter-m4q9z"]);
        Assert.Equal("", owners["shop/debug-shell"]);

        var summary = _s.Run("Get-K8sServiceAccountUsage -AllNamespaces -Summary | Where-Object Unused");
        var unused = summary.Output.Select(o => $"{Prop(o, "Namespace")}/{Prop(o, "ServiceAccount")}").ToList();
        Assert.Contains("payments/gateway", unused);
        Assert.Contains("ci/deployer", unused);
        Assert.DoesNotContain("shop/frontend", unused);
        Assert.DoesNotContain(unused, u => u.EndsWith("/default", StringComparison.Ordinal));
    }

    [Fact]
    public void IncludePermissionFindsPodsCarryingATokenThatReadsSecrets()
    {
        var mark = _s.Server.Requests.Count;
        var run = _s.Run("Get-K8sServiceAccountUsage -AllNamespaces -IncludePermission | Where-Object { $_.TokenMounted -and $_.Risks -contains 'ReadSecrets' }");
        Assert.Empty(run.AllErrors);
        var pods = run.Output.Select(o => $"{Prop(o, "Namespace")}/{Prop(o, "Pod")}").ToList();
        Assert.Contains("payments/ledger-0", pods);            // Role secret-reader
        Assert.Contains("legacy-apps/monolith", pods);         // default SA bound to cluster-admin
        Assert.DoesNotContain("shop/debug-shell", pods);
        Assert.Equal("Critical", Prop(run.Output.Single(o => Prop(o, "Pod") == "monolith"), "RiskLevel"));
        // Pods, ServiceAccounts, ReplicaSets and Jobs once each, the four RBAC lists: all cluster-wide, never one
        // request per namespace or ServiceAccount.
        var paths = _s.Server.Requests.Snapshot().Skip(mark).Select(r => r.Path).OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.Equal(new[]
        {
            "/api/v1/pods", "/api/v1/serviceaccounts", "/apis/apps/v1/replicasets", "/apis/batch/v1/jobs",
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            "/apis/rbac.authorization.k8s.io/v1/rolebindings", "/apis/rbac.authorization.k8s.io/v1/roles",
        }.OrderBy(p => p, StringComparer.Ordinal), paths);

        var summary = _s.Run("Get-K8sServiceAccountUsage -Namespace payments -Summary -IncludePermission");
        var ledger = summary.Output.Single(o => Prop(o, "ServiceAccount") == "ledger");
        Assert.Contains("ReadSecrets", Prop(ledger, "Risks"));
        Assert.Equal("", Prop(_s.Run("Get-K8sServiceAccountUsage -Namespace payments -Summary").Output.Single(o => Prop(o, "ServiceAccount") == "ledger"), "RiskLevel"));
    }
}
