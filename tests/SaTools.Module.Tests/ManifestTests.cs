using System.Management.Automation;

namespace SaTools.Module.Tests;

public sealed class ManifestTests
{
    [Fact]
    public void TestModuleManifestPasses()
    {
        using var session = new ModuleSession(import: false);
        var info = session.Run("Test-ModuleManifest -Path $args[0] -ErrorAction Stop", RepoPaths.ManifestPath).Single();
        Assert.Equal("SaTools", info.Properties["Name"].Value);
        Assert.Equal("SaTools.dll", info.Properties["RootModule"].Value);
        Assert.Contains("Core", (IEnumerable<string>)info.Properties["CompatiblePSEditions"].Value);
        Assert.Equal(new Version(7, 4), info.Properties["PowerShellVersion"].Value);
    }

    [Fact]
    public void ExportedCmdletsAreExactlyTheManifestList()
    {
        using var session = new ModuleSession();
        // Import-PowerShellDataFile lives in Microsoft.PowerShell.Utility, which a hosted SMA does not ship.
        var declared = session.Run("""
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($args[0], [ref]$null, [ref]$null)
            $ast.Find({ param($a) $a -is [System.Management.Automation.Language.HashtableAst] }, $false).SafeGetValue().CmdletsToExport
            """, RepoPaths.ManifestPath)
            .Select(o => o.BaseObject.ToString()!).OrderBy(s => s).ToList();
        var exported = session.Run("Get-Command -Module SaTools | ForEach-Object Name")
            .Select(o => o.BaseObject.ToString()!).OrderBy(s => s).ToList();
        Assert.NotEmpty(declared);
        Assert.Equal(declared, exported);
    }

    [Fact]
    public void EveryOutputTypeOfEveryCmdletHasAView()
    {
        using var session = new ModuleSession();
        var missing = session.Run("""
            $path = [System.IO.Path]::Combine([System.IO.Path]::GetDirectoryName((Get-Module SaTools).Path), 'SaTools.Format.ps1xml')
            $views = [xml][System.IO.File]::ReadAllText($path)
            $viewTypes = $views.Configuration.ViewDefinitions.View.ViewSelectedBy.TypeName
            Get-Command -Module SaTools | ForEach-Object { $_.OutputType.Name } |
                Where-Object { $_ -like 'SaTools.*' -and $_ -notin $viewTypes }
            """).Select(o => o.ToString()).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void ServiceAccountTableShowsTheColumnsAnOperatorScansFirst()
    {
        var xml = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.ModuleDirectory, "SaTools.Format.ps1xml"));
        var view = xml.Descendants("View").Single(v => v.Element("ViewSelectedBy")?.Element("TypeName")?.Value == "SaTools.Output.ServiceAccountInfo");
        var labels = view.Descendants("TableColumnHeader").Select(h => h.Element("Label")?.Value).ToList();
        Assert.Equal(new[] { "Namespace", "Name", "Automount", "Secrets", "Age" }, labels);
        var properties = view.Descendants("TableColumnItem").Select(i => i.Element("PropertyName")?.Value).ToList();
        Assert.Equal(new[] { "Namespace", "Name", "AutomountServiceAccountToken", "SecretCount", "Age" }, properties);
    }
}
