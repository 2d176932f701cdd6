using System.Management.Automation;
using SaTools.Module.Tests.Sandbox;

namespace SaTools.Module.Tests.Hardening;

/// <summary>Get-K8sLegacyToken and Get-K8sServiceAccountUsage show Write-Progress while they read (seconds on a large
/// cluster), and close it when done.</summary>
public sealed class ReadProgressTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Theory]
    [InlineData("Get-K8sLegacyToken -AllNamespaces", "Reading legacy tokens")]
    [InlineData("Get-K8sLegacyToken -Namespace legacy-apps, ci", "Reading legacy tokens")]
    [InlineData("Get-K8sServiceAccountUsage -AllNamespaces", "Reading pods and ServiceAccounts")]
    [InlineData("Get-K8sServiceAccountUsage -Namespace shop, ci -Summary", "Reading pods and ServiceAccounts")]
    public void ReadsReportProgressAndCompleteIt(string command, string activity)
    {
        using var session = new ModuleSession();
        var result = session.RunCapturing($"{command} -Kubeconfig $args[0]", fixture.Kubeconfig);
        Assert.Empty(result.AllErrors);
        Assert.NotEmpty(result.Output);
        var records = result.Progress.Where(p => p.Activity == activity).ToList();
        // One record per namespace, then one per page read, then the completion.
        Assert.Contains(records, p => p.RecordType == ProgressRecordType.Processing && p.StatusDescription.Contains("page", StringComparison.Ordinal));
        Assert.Equal(ProgressRecordType.Completed, records[^1].RecordType);
        if (command.Contains("-Namespace", StringComparison.Ordinal))
        {
            Assert.Contains(records, p => p.StatusDescription.Contains("(2 of 2)", StringComparison.Ordinal));
        }
    }
}
