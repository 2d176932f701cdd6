using System.Management.Automation;
using SaTools.Tests.Rbac;
using static SaTools.Tests.Rbac.Rbac;

namespace SaTools.Module.Tests.Rbac;

/// <summary>Get-K8sEffectivePermission -InputFile: exported state analysed offline, as a user runs it.</summary>
public sealed class EffectivePermissionOfflineTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("satools-perm-");
    private readonly ModuleSession _session = new();

    public void Dispose()
    {
        _session.Dispose();
        _dir.Delete(recursive: true);
    }

    private static readonly string BootstrapDir = Path.Combine(AppContext.BaseDirectory, "bootstrap-policy");

    private string[] Files(params string[] docs)
    {
        var extra = Path.Combine(_dir.FullName, "estate.yaml");
        File.WriteAllText(extra, Docs(docs));
        return Directory.GetFiles(BootstrapDir, "*.yaml").Append(extra).ToArray();
    }

    private string[] Estate() => Files(
        ServiceAccount("team", "builder"),
        ServiceAccount("team", "default"),
        ServiceAccount("prod", "deployer"),
        ServiceAccount("kube-system", "kube-dns"),
        ClusterRole("secret-reader", Rule("get,list", "", "secrets")),
        RoleBinding("prod", "deployer-secrets", "ClusterRole", "secret-reader", Sa("deployer")),
        RoleBinding("team", "builder-edit", "ClusterRole", "edit", Sa("builder")),
        RoleBinding("team", "dangling", "Role", "gone", Sa("builder")),
        ClusterRoleBinding("team-wide", "secret-reader", Group("system:serviceaccounts:team")));

    [Fact]
    public void OneRowPerGrantWithTheAuthenticatedDefaults()
    {
        var result = _session.RunCapturing("Get-K8sEffectivePermission -InputFile $args[0] -Namespace team -Name builder", (object)Estate());

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var rows = result.Output;
        Assert.All(rows, r => Assert.Equal("SaTools.Output.EffectivePermission", r.BaseObject.GetType().FullName));
        Assert.All(rows, r => Assert.Equal("builder", r.Properties["ServiceAccount"].Value));
        Assert.All(rows, r => Assert.StartsWith("file:", (string)r.Properties["Context"].Value));
        var viaAuthenticated = rows.Where(r => (string)r.Properties["GrantedVia"].Value == "system:authenticated")
            .Select(r => (string)r.Properties["RoleName"].Value).Distinct().OrderBy(n => n).ToList();
        Assert.Equal(new[] { "system:basic-user", "system:discovery", "system:public-info-viewer" }, viaAuthenticated);
        Assert.Contains(rows, r => (string)r.Properties["GrantedVia"].Value == "system:serviceaccounts:team" && (string)r.Properties["RoleName"].Value == "secret-reader");
        Assert.Contains(rows, r => (string)r.Properties["RoleName"].Value == "edit" && r.Properties["AggregatedFrom"].Value is "system:aggregate-to-edit");
        var missing = Assert.Single(rows, r => (bool)r.Properties["MissingRole"].Value);
        Assert.Equal("gone", missing.Properties["RoleName"].Value);
        Assert.Contains(result.Warnings, w => w.Contains("team/dangling", StringComparison.Ordinal) && w.Contains("gone", StringComparison.Ordinal));
    }

    [Fact]
    public void SummaryRatesEachServiceAccount()
    {
        var rows = _session.Run("Get-K8sEffectivePermission -InputFile $args[0] -AllNamespaces -Summary", (object)Estate());

        var byName = rows.ToDictionary(r => r.Properties["Namespace"].Value + "/" + r.Properties["ServiceAccount"].Value);
        Assert.Equal("SaTools.Output.EffectivePermissionSummary", byName["team/builder"].BaseObject.GetType().FullName);
        // A ClusterRoleBinding to the namespace group reads secrets everywhere: Critical for every account of team.
        Assert.Equal("Critical", byName["team/default"].Properties["RiskLevel"].Value);
        Assert.True((bool)byName["team/default"].Properties["ReadSecrets"].Value);
        // A RoleBinding that reads secrets in one namespace: High.
        Assert.Equal("High", byName["prod/deployer"].Properties["RiskLevel"].Value);
        Assert.Equal(1, byName["team/builder"].Properties["MissingRoleCount"].Value);
        Assert.Contains("kube-system/kube-dns", byName.Keys);
        Assert.Equal("Low", byName["kube-system/kube-dns"].Properties["RiskLevel"].Value);
    }

    [Fact]
    public void WhoCanReadSecretsInProd()
    {
        var rows = _session.Run(
            "Get-K8sEffectivePermission -InputFile $args[0] -AllNamespaces -Verb get -Resource secrets -Scope prod | ForEach-Object { $_.Namespace + '/' + $_.ServiceAccount + ' ' + $_.BindingName }",
            (object)Estate());

        var lines = rows.Select(r => r.ToString()).OrderBy(l => l).ToList();
        Assert.Equal(new[] { "prod/deployer deployer-secrets", "team/builder team-wide", "team/default team-wide" }, lines);
    }

    [Theory]
    [InlineData("-Verb create -Resource deployments.apps -Scope team", "builder-edit")]
    [InlineData("-Verb create -Resource deployments -ApiGroup apps -Scope team", "builder-edit")]
    [InlineData("-Verb create -Resource deployments -Scope team", "")]
    [InlineData("-Verb create -Resource deployments.apps -ApiGroup '' -Scope team", "")] // '' is the core group and wins
    [InlineData("-Verb get -Resource configmaps -ApiGroup '' -Scope team", "builder-edit")]
    [InlineData("-Verb get -Resource configmaps -Scope prod", "")] // builder's RoleBinding is in team
    [InlineData("-Verb list -Resource configmaps -Scope Cluster", "")] // all-namespace list: ClusterRoleBindings only
    [InlineData("-Verb list -Resource secrets -Scope Cluster", "team-wide")]
    [InlineData("-Verb get -Resource secrets -ResourceName s1 -Scope team", "builder-edit,team-wide")]
    [InlineData("-Verb get -NonResourceUrl /healthz", "system:discovery,system:public-info-viewer")]
    [InlineData("-Verb get -NonResourceUrl /metrics", "")]
    [InlineData("-Verb create -Resource deployments.apps -Scope Cluster", "")]
    public void WhoCanFilters(string filter, string expectedBindings)
    {
        var rows = _session.Run(
            $"Get-K8sEffectivePermission -InputFile $args[0] -Namespace team -Name builder {filter} | ForEach-Object BindingName",
            (object)Estate());
        Assert.Equal(expectedBindings, string.Join(",", rows.Select(r => r.ToString()).Distinct().Order()));
    }

    [Fact]
    public void PipelineFromServiceAccountObjectsByPropertyName()
    {
        var rows = _session.Run("""
            [pscustomobject]@{ Namespace = 'prod'; Name = 'deployer' }, [pscustomobject]@{ Namespace = 'team'; Name = 'default' } |
                Get-K8sEffectivePermission -InputFile $args[0] -Summary | ForEach-Object { $_.Namespace + '/' + $_.ServiceAccount }
            """, (object)Estate());
        Assert.Equal(new[] { "prod/deployer", "team/default" }, rows.Select(r => r.ToString()));
    }

    [Fact]
    public void EveryCellHasAReadableTextForm()
    {
        // Export-Csv writes each property value's ToString(); the hosted runspace has no Utility module, so the
        // same conversion is done here.
        var rows = _session.Run("""
            Get-K8sEffectivePermission -InputFile $args[0] -Namespace team -Name builder
            Get-K8sEffectivePermission -InputFile $args[0] -Namespace team -Name builder -Summary
            """, (object)Estate());
        Assert.True(rows.Count > 5);
        var cells = rows.SelectMany(r => r.Properties.Select(p => p.Value?.ToString() ?? "")).ToList();
        Assert.DoesNotContain(cells, c => c.StartsWith("System.", StringComparison.Ordinal) || c.StartsWith("SaTools.", StringComparison.Ordinal));
        Assert.Contains("get; list; watch", cells);
        Assert.Contains("\"\"", cells); // the core group
        Assert.Contains(rows, r => r.Properties["Verbs"].Value is System.Collections.IList { Count: > 0 });
    }

    [Fact]
    public void BadInputGivesSpecificErrors()
    {
        var missingFile = _session.RunCapturing("Get-K8sEffectivePermission -InputFile $args[0]", Path.Combine(_dir.FullName, "nope.yaml"));
        Assert.Equal("GetK8sEffectivePermissionInputFileInvalid,SaTools.Commands.GetK8sEffectivePermissionCommand", Assert.Single(missingFile.AllErrors).FullyQualifiedErrorId);

        var badFilter = _session.RunCapturing("Get-K8sEffectivePermission -InputFile $args[0] -NonResourceUrl /healthz -Resource pods", (object)Estate());
        Assert.Equal("GetK8sEffectivePermissionInvalidFilter,SaTools.Commands.GetK8sEffectivePermissionCommand", Assert.Single(badFilter.AllErrors).FullyQualifiedErrorId);
        Assert.Equal("/healthz", Assert.Single(badFilter.AllErrors).TargetObject);

        var verifyOffline = _session.RunCapturing("Get-K8sEffectivePermission -InputFile $args[0] -Verify", (object)Estate());
        Assert.Equal("GetK8sEffectivePermissionVerifyNeedsCluster,SaTools.Commands.GetK8sEffectivePermissionCommand", Assert.Single(verifyOffline.AllErrors).FullyQualifiedErrorId);
        Assert.NotNull(Assert.Single(verifyOffline.AllErrors).TargetObject);

        var unknown = _session.RunCapturing("Get-K8sEffectivePermission -InputFile $args[0] -Namespace team -Name nobody", (object)Estate());
        Assert.Null(unknown.Terminating);
        var error = Assert.Single(unknown.Errors);
        Assert.Equal("GetK8sEffectivePermissionServiceAccountNotFound,SaTools.Commands.GetK8sEffectivePermissionCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }
}
