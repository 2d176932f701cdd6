using System.Management.Automation;
using SaTools.Module.Tests.Hardening;
using static SaTools.Module.Tests.Hardening.HardeningSandbox;

namespace SaTools.Module.Tests.Names;

/// <summary>One demo sandbox for the class: the traversal tests write nothing, so they can share it.</summary>
public sealed class TraversalSandboxFixture : IAsyncLifetime
{
    public HardeningSandbox S { get; private set; } = null!;
    public async Task InitializeAsync() => S = await HardeningSandbox.StartAsync();
    public async Task DisposeAsync() => await S.DisposeAsync();
}

/// <summary>
/// Issue 12: a name from a parameter, a pipeline property or a CSV row that is not a Kubernetes name ('..', a '/',
/// '%2e%2e', '?') is a non-terminating Invalid&lt;Kind&gt;Name (InvalidArgument, the name as target) written before
/// any request: the sandbox's request log shows nothing sent, and the cluster holds exactly what it held.
/// </summary>
public sealed class TraversalNameTests(TraversalSandboxFixture fixture) : IClassFixture<TraversalSandboxFixture>
{
    private HardeningSandbox S => fixture.S;

    public static TheoryData<string, string, string> AsParameters() => new()
    {
        // The issue's own cases.
        { "Set-K8sServiceAccountAutomount -Namespace ci -ServiceAccount '../../shop/serviceaccounts/frontend' -Value $false -Confirm:$false", "SetK8sServiceAccountAutomountInvalidServiceAccountName", "../../shop/serviceaccounts/frontend" },
        { "Remove-K8sLegacyToken -Namespace ci -Name '../../legacy-apps/secrets/default-token-manual' -Confirm:$false", "RemoveK8sLegacyTokenInvalidSecretName", "../../legacy-apps/secrets/default-token-manual" },
        { "New-K8sBoundToken -Namespace 'shop/serviceaccounts/frontend/token?x=/../../..' -ServiceAccount x -Confirm:$false", "NewK8sBoundTokenInvalidNamespaceName", "shop/serviceaccounts/frontend/token?x=/../../.." },
        { "Get-K8sServiceAccount -Namespace '..'", "GetK8sServiceAccountInvalidNamespaceName", ".." },
        { "Get-K8sServiceAccount -Namespace '%2e%2e'", "GetK8sServiceAccountInvalidNamespaceName", "%2e%2e" },
        // Every other name parameter.
        { "Set-K8sServiceAccountAutomount -Namespace '../shop' -Name frontend -Value $false -Confirm:$false", "SetK8sServiceAccountAutomountInvalidNamespaceName", "../shop" },
        { "Disable-K8sLegacyToken -Namespace '..' -Name reporter-token -Confirm:$false", "DisableK8sLegacyTokenInvalidNamespaceName", ".." },
        { "Disable-K8sLegacyToken -Namespace legacy-apps -Name 'reporter-token/../old-deployer-token' -Confirm:$false", "DisableK8sLegacyTokenInvalidSecretName", "reporter-token/../old-deployer-token" },
        { "Remove-K8sLegacyToken -Namespace 'legacy-apps/secrets' -Name reporter-token -Confirm:$false", "RemoveK8sLegacyTokenInvalidNamespaceName", "legacy-apps/secrets" },
        { "New-K8sBoundToken -Namespace shop -ServiceAccount '../../ci/serviceaccounts/deployer' -Confirm:$false", "NewK8sBoundTokenInvalidServiceAccountName", "../../ci/serviceaccounts/deployer" },
        { "New-K8sBoundToken -Namespace shop -ServiceAccount frontend -BoundObjectKind Pod -BoundObjectName '../x' -Confirm:$false", "NewK8sBoundTokenInvalidPodName", "../x" },
        { "Get-K8sServiceAccount -Namespace shop -Name '../../ci/serviceaccounts/deployer'", "GetK8sServiceAccountInvalidServiceAccountName", "../../ci/serviceaccounts/deployer" },
        { "Get-K8sServiceAccount -Namespace 'Shop'", "GetK8sServiceAccountInvalidNamespaceName", "Shop" },
        { "Get-K8sLegacyToken -Namespace '..'", "GetK8sLegacyTokenInvalidNamespaceName", ".." },
        { "Get-K8sLegacyToken -Namespace shop -ServiceAccount '../x'", "GetK8sLegacyTokenInvalidServiceAccountName", "../x" },
        { "Get-K8sServiceAccountUsage -Namespace '../..'", "GetK8sServiceAccountUsageInvalidNamespaceName", "../.." },
        { "Disable-K8sDefaultAutomount -Namespace '..' -Confirm:$false", "DisableK8sDefaultAutomountInvalidNamespaceName", ".." },
        { "Disable-K8sDefaultAutomount -Namespace 'shop/serviceaccounts/frontend?' -Confirm:$false", "DisableK8sDefaultAutomountInvalidNamespaceName", "shop/serviceaccounts/frontend?" },
        // The workload automount fix and the kubeconfig writer (issue 16).
        { "Set-K8sWorkloadAutomount -Namespace shop -Kind Deployment -Name '../../data/cronjobs/cleanup' -Value $false -Confirm:$false", "SetK8sWorkloadAutomountInvalidWorkloadName", "../../data/cronjobs/cleanup" },
        { "Set-K8sWorkloadAutomount -Namespace '../shop' -Kind Deployment -Name frontend -Value $false -Confirm:$false", "SetK8sWorkloadAutomountInvalidNamespaceName", "../shop" },
        { "Disable-K8sWorkloadAutomount -Namespace '..' -Confirm:$false", "DisableK8sWorkloadAutomountInvalidNamespaceName", ".." },
        { "Disable-K8sWorkloadAutomount -Namespace shop -Kind Pod -Name '../x' -Confirm:$false", "DisableK8sWorkloadAutomountInvalidPodName", "../x" },
        { "New-K8sKubeconfig -Namespace ci -ServiceAccount '../../shop/serviceaccounts/frontend' -Duration 1h -Path never.kubeconfig -Confirm:$false", "NewK8sKubeconfigInvalidServiceAccountName", "../../shop/serviceaccounts/frontend" },
    };

    [Theory]
    [MemberData(nameof(AsParameters))]
    public async Task ATraversalNameAsAParameterIsRefusedBeforeAnyRequest(string command, string errorId, string target)
    {
        var before = await S.DumpServiceAccountsAsync();
        var secretsBefore = (await S.GetAsync("/api/v1/secrets"))["items"]!.AsArray().Count;
        var mark = S.Server.Requests.Count;

        var run = S.Run(command);

        Assert.Equal(mark, S.Server.Requests.Count); // nothing was sent at all
        Assert.Null(run.Terminating);
        var error = Assert.Single(run.Errors, e => e.FullyQualifiedErrorId.StartsWith(errorId + ",", StringComparison.Ordinal));
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal(target, error.TargetObject);
        Assert.Contains($"'{target}'", error.Exception.Message);
        Assert.Empty(run.Output.Where(o => Prop(o, "Action") is not ("Failed" or "")));
        Assert.Equal(Keys(before), Keys(await S.DumpServiceAccountsAsync()));
        Assert.Equal(before.Select(kv => kv.Value.ToJsonString()).OrderBy(x => x), (await S.DumpServiceAccountsAsync()).Select(kv => kv.Value.ToJsonString()).OrderBy(x => x));
        Assert.Equal(secretsBefore, (await S.GetAsync("/api/v1/secrets"))["items"]!.AsArray().Count);
    }

    private static IEnumerable<string> Keys(Dictionary<string, System.Text.Json.Nodes.JsonObject> d) => d.Keys.OrderBy(k => k, StringComparer.Ordinal);

    [Fact]
    public void TraversalNamesFromPipelinePropertiesAreRefusedAndTheRestGoesOn()
    {
        // Objects as Import-Csv makes them (every property a string): the bad rows are refused, the good one is handled.
        var run = S.Run("""
            [pscustomobject]@{ Namespace = 'ci'; Name = '../../shop/serviceaccounts/frontend'; Value = 'False' },
            [pscustomobject]@{ Namespace = '../../shop'; Name = 'frontend'; Value = 'False' },
            [pscustomobject]@{ Namespace = 'ci'; Name = 'runner'; Value = 'False' } |
                Set-K8sServiceAccountAutomount -WhatIf -PassThru
            """);
        Assert.Null(run.Terminating);
        Assert.Equal(
            new[] { "SetK8sServiceAccountAutomountInvalidServiceAccountName", "SetK8sServiceAccountAutomountInvalidNamespaceName" },
            run.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(new[] { "../../shop/serviceaccounts/frontend", "../../shop" }, run.Errors.Select(e => (string)e.TargetObject));
        var row = Assert.Single(run.Output);
        Assert.Equal(("ci", "runner", "WouldPatch"), (Prop(row, "Namespace"), Prop(row, "ServiceAccount"), Prop(row, "Action")));
        // The only ServiceAccount read was the good row's.
        Assert.DoesNotContain(run.Verbose, v => v.Contains("/shop/", StringComparison.Ordinal));
    }

    [Fact]
    public void CsvRowsGoThroughTheSameCheck()
    {
        var csv = Path.Combine(S.Directory, "edited.csv");
        File.WriteAllLines(csv,
        [
            "\"Namespace\",\"Name\"",
            "\"ci\",\"../../legacy-apps/secrets/default-token-manual\"",
            "\"%2e%2e\",\"reporter-token\"",
            "\"legacy-apps\",\"reporter-token\"",
        ]);
        var mark = S.Server.Requests.Count;
        // The hosted runspace has no Import-Csv (Pester covers the real one): the rows are read as it reads them,
        // every property a string.
        var run = S.Run("""
            $lines = [System.IO.File]::ReadAllLines($args[0])
            $lines[1..($lines.Count - 1)] | ForEach-Object {
                $cells = $_.Trim('"') -split '","'
                [pscustomobject]@{ Namespace = $cells[0]; Name = $cells[1] }
            } | Remove-K8sLegacyToken -WhatIf
            """, csv);
        Assert.Null(run.Terminating);
        Assert.Equal(
            new[] { "RemoveK8sLegacyTokenInvalidSecretName", "RemoveK8sLegacyTokenInvalidNamespaceName", "RemoveK8sLegacyTokenSecretMounted" },
            run.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        var actions = run.Output.Select(o => $"{Prop(o, "Namespace")}/{Prop(o, "Name")}:{Prop(o, "Action")}").ToList();
        Assert.Contains("legacy-apps/reporter-token:Refused", actions); // mounted by reporter-cron: the real row is judged
        Assert.Equal(2, actions.Count(a => a.EndsWith(":Failed", StringComparison.Ordinal)));
        // Requests only for the good row, all in legacy-apps.
        Assert.All(S.Server.Requests.Snapshot().Skip(mark), r => Assert.StartsWith("/api/v1/namespaces/legacy-apps/", r.Path));
        Assert.Empty(S.Writes(mark));
    }

    [Fact]
    public void EffectivePermissionRefusesAnInvalidNamespaceAndAnswersForNoOne()
    {
        var run = S.Run("Get-K8sEffectivePermission -Namespace '..', '%2e%2e' -Summary");
        Assert.Null(run.Terminating);
        Assert.Empty(run.Output);
        Assert.Equal(new[] { "..", "%2e%2e" }, run.Errors.Select(e => (string)e.TargetObject));
        Assert.All(run.Errors, e => Assert.Equal("GetK8sEffectivePermissionInvalidNamespaceName,SaTools.Commands.GetK8sEffectivePermissionCommand", e.FullyQualifiedErrorId));
    }

    [Fact]
    public void AMissingNamespaceIsOneIdAcrossCmdlets()
    {
        foreach (var command in new[]
        {
            "Get-K8sServiceAccount -Namespace no-such-ns",
            "Get-K8sServiceAccount -Namespace no-such-ns -Name default",
            "Get-K8sLegacyToken -Namespace no-such-ns",
            "Get-K8sServiceAccountUsage -Namespace no-such-ns",
            "Get-K8sEffectivePermission -Namespace no-such-ns",
            "Disable-K8sDefaultAutomount -Namespace no-such-ns -WhatIf",
            "Set-K8sServiceAccountAutomount -Namespace no-such-ns -Name default -Value $false -WhatIf",
            "New-K8sBoundToken -Namespace no-such-ns -ServiceAccount default",
            "Disable-K8sLegacyToken -Namespace no-such-ns -Name x -WhatIf",
        })
        {
            var run = S.Run(command);
            var verbNoun = command.Split(' ')[0].Replace("-", "", StringComparison.Ordinal);
            var error = Assert.Single(run.Errors);
            Assert.True($"{verbNoun}NamespaceNotFound,SaTools.Commands.{verbNoun}Command" == error.FullyQualifiedErrorId, command + ": " + error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Equal("no-such-ns", error.TargetObject);
        }
    }
}
