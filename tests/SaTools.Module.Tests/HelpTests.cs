using System.Management.Automation;

namespace SaTools.Module.Tests;

/// <summary>
/// Get-Help -Full for every exported cmdlet (those added later included: the list comes from Get-Command):
/// a written synopsis and description, every parameter described, at least two examples.
/// </summary>
public sealed class HelpTests
{
    public static IEnumerable<object[]> Cmdlets()
    {
        using var session = new ModuleSession();
        return session.Run("Get-Command -Module SaTools | ForEach-Object Name").Select(o => new object[] { o.ToString() }).ToList();
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void HelpIsComplete(string cmdlet)
    {
        using var session = new ModuleSession();
        var problems = session.Run("""
            param()
            $name = $args[0]
            $help = Get-Help -Name $name -Full
            $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
            $synopsis = "$($help.Synopsis)".Trim()
            if (-not $synopsis -or $synopsis -like "$name *[[]*" -or $synopsis -eq $name) { "no synopsis" }
            # Out-String is in Microsoft.PowerShell.Utility, which a hosted SMA lacks: read the Text of each paragraph.
            function Get-Text($paragraphs) { (@($paragraphs) | ForEach-Object { "$($_.Text)" }) -join ' ' }
            if (-not (Get-Text $help.description).Trim()) { "no description" }
            $documented = @{}
            foreach ($p in @($help.parameters.parameter)) {
                if ($p.name) { $documented[$p.name] = (Get-Text $p.description).Trim() }
            }
            foreach ($p in (Get-Command -Name $name).Parameters.Keys) {
                if ($p -in $common) { continue }
                if (-not $documented.ContainsKey($p) -or -not $documented[$p]) { "parameter $p has no description" }
            }
            $examples = @($help.examples.example)
            if ($examples.Count -lt 2) { "only $($examples.Count) example(s)" }
            foreach ($e in $examples) { if (-not "$($e.code)".Trim()) { "an example has no code" } }
            """, cmdlet).Select(o => o.ToString()).ToList();
        Assert.True(problems.Count == 0, $"{cmdlet}: {string.Join("; ", problems)}");
    }

    [Fact]
    public void AboutTopicCoversConnectionObjectsAndRunbooks()
    {
        using var session = new ModuleSession();
        var text = string.Join("\n", session.Run("Get-Help about_SaTools").Select(o => o.ToString()));
        foreach (var topic in new[] { "CONNECTING", "OBJECTS", "RUNBOOKS", "-SkipTlsVerification", "KUBECONFIG" })
            Assert.Contains(topic, text);
    }
}
