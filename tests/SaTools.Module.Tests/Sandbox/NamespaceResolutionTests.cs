using System.Management.Automation;
using System.Text.RegularExpressions;

namespace SaTools.Module.Tests.Sandbox;

/// <summary>
/// -Namespace wildcards resolve the same way in every cmdlet that reads namespace by namespace
/// (Engine/Names/NamespaceResolver): a pattern reads exactly the namespaces it matches, a pattern that matches
/// none is quiet, and a literal name that does not exist is a non-terminating &lt;VerbNoun&gt;NamespaceNotFound
/// while the other names still work.
/// </summary>
public sealed class NamespaceResolutionTests(ServiceAccountSandboxFixture fixture) : IClassFixture<ServiceAccountSandboxFixture>
{
    public static TheoryData<string> Commands() => new()
    {
        "Get-K8sServiceAccount",
        "Get-K8sLegacyToken",
        "Get-K8sServiceAccountUsage -Summary",
    };

    private static HashSet<string> NamespacesRead(ModuleSession.Result result) =>
        result.Verbose.Select(v => Regex.Match(v, "^GET /api/v1/namespaces/([^/?]+)/"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();

    [Theory]
    [MemberData(nameof(Commands))]
    public void APatternReadsExactlyTheNamespacesItMatches(string command)
    {
        using var session = new ModuleSession();
        var result = session.RunCapturing($"{command} -Kubeconfig $args[0] -Namespace 'SATOOLS-*' -Verbose", fixture.Kubeconfig);
        Assert.True(result.AllErrors.FirstOrDefault() is null, result.AllErrors.FirstOrDefault()?.ToString());
        Assert.Equal(new[] { "satools-a", "satools-b" }, NamespacesRead(result).OrderBy(n => n));
        // The namespace list was read once, for the pattern.
        Assert.Single(result.Verbose, v => v.StartsWith("GET /api/v1/namespaces?", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void APatternMatchingNothingIsQuietAMissingNameIsNamespaceNotFoundAndTheRestGoesOn(string command)
    {
        using var session = new ModuleSession();
        var result = session.RunCapturing($"{command} -Kubeconfig $args[0] -Namespace 'nomatch-*', no-such-ns, satools-b -Verbose", fixture.Kubeconfig);
        AssertOneNamespaceNotFound(result, command, "no-such-ns");
        Assert.Contains(result.Verbose, v => v.Contains("No namespace matches 'nomatch-*'", StringComparison.Ordinal));
        Assert.Equal(new[] { "satools-b" }, NamespacesRead(result));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void AMissingLiteralNamespaceWithoutAListIsNamespaceNotFound(string command)
    {
        // No wildcard, so no namespace list: the empty read in the namespace is what prompts one GET of it.
        using var session = new ModuleSession();
        var result = session.RunCapturing($"{command} -Kubeconfig $args[0] -Namespace no-such-ns, satools-b -Verbose", fixture.Kubeconfig);
        AssertOneNamespaceNotFound(result, command, "no-such-ns");
        Assert.Contains(result.Verbose, v => v.StartsWith("GET /api/v1/namespaces/no-such-ns ", StringComparison.Ordinal) || v.StartsWith("GET /api/v1/namespaces/no-such-ns?", StringComparison.Ordinal));
    }

    /// <summary>The run went on and wrote exactly one error: the cmdlet's own NamespaceNotFound for <paramref name="ns"/>.</summary>
    private static void AssertOneNamespaceNotFound(ModuleSession.Result result, string command, string ns)
    {
        Assert.Null(result.Terminating);
        var error = Assert.Single(result.Errors);
        var verbNoun = command.Split(' ')[0].Replace("-", "", StringComparison.Ordinal);
        Assert.Equal($"{verbNoun}NamespaceNotFound,SaTools.Commands.{verbNoun}Command", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(ns, error.TargetObject);
    }
}
