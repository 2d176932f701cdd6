using System.Management.Automation.Language;
using System.Text.RegularExpressions;

namespace SaTools.Module.Tests;

/// <summary>
/// README's PowerShell examples parse, and every SaTools command and parameter they use exists (the Demo task
/// runs them against the sandbox on machines with pwsh; a hosted SMA lacks Export-Csv and Format-Table).
/// </summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void CiRunsExactlyTheReadmeTestCommand()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("\n## Test", StringComparison.Ordinal)..];
        var command = Regex.Match(section, "(?ms)^```\\r?\\n(.*?)\\r?\\n```").Groups[1].Value.Trim();
        Assert.StartsWith("dotnet test ", command);
        var ciLines = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".ci", "run")).Select(l => l.Trim()).ToList();
        // The line that runs the tests is the README's command (its output piped to a log).
        Assert.Single(ciLines, l => l.StartsWith("dotnet test", StringComparison.Ordinal));
        Assert.Contains(ciLines, l => l == command || l.StartsWith(command + " 2>&1 |", StringComparison.Ordinal));
    }

    [Fact]
    public void ExamplesUseRealCommandsAndParameters()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var blocks = Regex.Matches(readme, "(?ms)^```powershell\\r?\\n(.*?)^```").Select(m => m.Groups[1].Value).ToList();
        Assert.True(blocks.Count >= 3, "README has PowerShell examples");

        using var session = new ModuleSession();
        var parameters = session.Run("Get-Command -Module SaTools | ForEach-Object { $c = $_; $c.Parameters.Values | ForEach-Object { $_.Name; $_.Aliases } | ForEach-Object { \"$($c.Name)|$_\" } }")
            .Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var commands = parameters.Select(p => p.Split('|')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var problems = new List<string>();
        var usedSaTools = false;
        foreach (var block in blocks)
        {
            var ast = Parser.ParseInput(block, out _, out var errors);
            problems.AddRange(errors.Select(e => $"parse error: {e.Message} in {block.Trim()}"));
            foreach (CommandAst command in ast.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true))
            {
                var name = command.GetCommandName();
                if (name is null || !Regex.IsMatch(name, "^[A-Za-z]+-K8s")) continue;
                usedSaTools = true;
                if (!commands.Contains(name)) { problems.Add($"{name} is not exported"); continue; }
                foreach (var parameter in command.CommandElements.OfType<CommandParameterAst>())
                {
                    if (!parameters.Contains($"{name}|{parameter.ParameterName}")) problems.Add($"{name} has no -{parameter.ParameterName}");
                }
            }
        }
        Assert.True(usedSaTools);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

/// <summary>
/// README's PowerShell examples run against the demo sandbox without an error, as the Demo task runs them (the
/// same blocks and lines are left out: the runbook needs Azure, -InputFile an export, /var/run/secrets a pod).
/// A hosted SMA has no Microsoft.PowerShell.Utility, so Export-Csv, Format-* and Select-Object are stand-ins that
/// consume the objects; the Pester suite and the Demo task run the real ones. $env:KUBECONFIG is set, so this
/// runs with the other tests that change it.
/// </summary>
[Collection(nameof(Sandbox.KubeconfigVariableCollection))]
public sealed class ReadmeExamplesRunTests : IAsyncLifetime
{
    private readonly Sandbox.SandboxFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public void ExamplesRunAgainstTheDemoSandbox()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var blocks = Regex.Matches(readme, "(?ms)^```powershell\\r?\\n(.*?)^```").Select(m => m.Groups[1].Value)
            .Where(b => !Regex.IsMatch(b, @"Install-Module|Get-AzKeyVaultSecret|Get-AutomationVariable|build\.ps1"))
            .Select(b => string.Join("\n", b.Split('\n').Where(l => !Regex.IsMatch(l, "-InputFile|/var/run/secrets"))))
            .ToList();
        Assert.True(blocks.Count >= 3);

        var previous = Environment.GetEnvironmentVariable("KUBECONFIG");
        var work = Path.Combine(_fixture.Directory, "readme");
        Directory.CreateDirectory(work);
        try
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", _fixture.Kubeconfig);
            using var session = new ModuleSession();
            session.Run("""
                function Export-Csv { param([Parameter(ValueFromPipeline)] $InputObject, [Parameter(Position = 0)] [string] $Path, [switch] $NoTypeInformation) process { } }
                function Import-Csv { param([Parameter(Position = 0)] [string] $Path) }
                function Format-Table { param([Parameter(ValueFromPipeline)] $InputObject, [Parameter(Position = 0)] [object[]] $Property) process { $InputObject } }
                function Format-List { param([Parameter(ValueFromPipeline)] $InputObject, [Parameter(Position = 0)] [object[]] $Property) process { $InputObject } }
                function Select-Object { param([Parameter(ValueFromPipeline)] $InputObject, [Parameter(Position = 0)] [object[]] $Property, [int] $First) process { $InputObject } }
                Set-Location -LiteralPath $args[0]
                """, work);
            foreach (var block in blocks)
            {
                var result = session.RunCapturing("$ErrorActionPreference = 'Stop'\n" + block);
                Assert.True(result.AllErrors.FirstOrDefault() is null, $"{block.Trim()}\n=> {result.AllErrors.FirstOrDefault()}");
                Assert.True(result.Output.Count > 0 || block.Contains("Connect-K8sCluster", StringComparison.Ordinal) || block.Contains("Export-Csv", StringComparison.Ordinal),
                    $"{block.Trim()}\n=> no output");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", previous);
        }
    }
}
