using System.Management.Automation.Language;

namespace SaTools.Module.Tests;

/// <summary>Every .ps1/.psm1/.psd1 in the repository parses (CI has no pwsh to run them; this catches syntax errors).</summary>
public sealed class ScriptParseTests
{
    public static IEnumerable<object[]> Scripts() =>
        Directory.EnumerateFiles(RepoPaths.Root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".psm1", StringComparison.OrdinalIgnoreCase)
                        || f.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase))
            .Where(f => !IsIgnored(Path.GetRelativePath(RepoPaths.Root, f)))
            .Select(f => new object[] { Path.GetRelativePath(RepoPaths.Root, f) });

    private static bool IsIgnored(string relative)
    {
        var first = relative.Split(Path.DirectorySeparatorChar)[0];
        return first is "out" or ".git" || relative.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
            || relative.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}");
    }

    [Fact]
    public void TheRepositoryHasScripts()
    {
        var scripts = Scripts().Select(s => (string)s[0]).ToList();
        Assert.Contains("build.ps1", scripts);
        Assert.Contains(Path.Combine("tests", "pester", "SaTools.Tests.ps1"), scripts);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ScriptParses(string relativePath)
    {
        Parser.ParseFile(Path.Combine(RepoPaths.Root, relativePath), out _, out var errors);
        Assert.True(errors.Length == 0,
            $"{relativePath}: " + string.Join("; ", errors.Select(e => $"line {e.Extent.StartLineNumber}: {e.Message}")));
    }
}
