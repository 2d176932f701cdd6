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
