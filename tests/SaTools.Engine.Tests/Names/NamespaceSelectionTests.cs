using SaTools.Engine.Names;

namespace SaTools.Engine.Tests.Names;

public class NamespaceSelectionTests
{
    private static readonly string[] Cluster = ["default", "kube-system", "kube-public", "kube-node-lease", "team-a", "team-b", "prod"];

    [Fact]
    public void AllNamespacesTakesEveryNamespaceOnceInOrder()
    {
        var s = NamespaceSelection.Resolve(null, true, null, Cluster);
        Assert.Equal(Cluster.OrderBy(n => n, StringComparer.Ordinal), s.Targets);
        Assert.Empty(s.Missing);
        Assert.Empty(s.Excluded);
    }

    [Fact]
    public void WildcardExclusionsAreListedNotDropped()
    {
        var s = NamespaceSelection.Resolve(null, true, ["kube-*"], Cluster);
        Assert.Equal(["default", "prod", "team-a", "team-b"], s.Targets);
        Assert.Equal(["kube-node-lease", "kube-public", "kube-system"], s.Excluded.OrderBy(x => x, StringComparer.Ordinal));
    }

    [Fact]
    public void DuplicatesAndOverlappingPatternsAreFolded()
    {
        var s = NamespaceSelection.Resolve(["team-a", "team-*", "TEAM-A", "team-a"], false, null, Cluster);
        Assert.Equal(["team-a", "team-b"], s.Targets);
    }

    [Fact]
    public void MissingLiteralAndUnmatchedWildcardAreReported()
    {
        var s = NamespaceSelection.Resolve(["nope", "zz*", "prod"], false, null, Cluster);
        Assert.Equal(["prod"], s.Targets);
        Assert.Equal(["nope"], s.Missing);
        Assert.Equal(["zz*"], s.UnmatchedPatterns);
    }

    [Fact]
    public void ExcludedMissingNameIsNotAnError()
    {
        var s = NamespaceSelection.Resolve(["nope", "prod"], false, ["no*"], Cluster);
        Assert.Empty(s.Missing);
        Assert.Equal(["prod"], s.Targets);
    }

    [Fact]
    public void LiteralNamesNeedNoNamespaceList()
    {
        var s = NamespaceSelection.Resolve(["b", "a", "b"], false, ["a"], null);
        Assert.Equal(["b"], s.Targets);
        Assert.Equal(["a"], s.Excluded);
    }

    [Fact]
    public void WildcardWithoutNamespaceListIsRefused()
    {
        Assert.Throws<ArgumentException>(() => NamespaceSelection.Resolve(["a*"], false, null, null));
        Assert.Throws<ArgumentException>(() => NamespaceSelection.Resolve(null, true, null, null));
    }

    [Fact]
    public void NothingRequestedIsRefused() =>
        Assert.Throws<ArgumentException>(() => NamespaceSelection.Resolve([], false, null, Cluster));

    [Theory]
    [InlineData("team-?", "team-a", true)]
    [InlineData("team-?", "team-ab", false)]
    [InlineData("team-[ab]", "team-b", true)]
    [InlineData("team-[ab]", "team-c", false)]
    [InlineData("team-[a-c]", "team-c", true)]
    [InlineData("*-system", "kube-system", true)]
    [InlineData("kube.system", "kube-system", false)]
    [InlineData("Prod", "prod", true)]
    public void WildcardRules(string pattern, string name, bool matches) =>
        Assert.Equal(matches, new NamePattern(pattern).Matches(name));

    [Theory]
    [InlineData("team-[]")]
    [InlineData("team-[z-a]")]
    public void AMalformedSetIsAClearArgumentError(string pattern)
    {
        var e = Assert.Throws<ArgumentException>(() => new NamePattern(pattern));
        Assert.Contains($"'{pattern}' is not a valid wildcard pattern", e.Message);
    }
}

public class NamespaceSelectionNameRuleTests
{
    private static readonly string[] Cluster = ["default", "kube-system", "shop", "ci"];

    [Theory]
    [InlineData("..")]
    [InlineData("%2e%2e")]
    [InlineData("shop/serviceaccounts/frontend")]
    [InlineData("Shop")]
    [InlineData("a b")]
    public void AnInvalidLiteralIsListedAndNeverATarget(string name)
    {
        // With and without the namespace list: the name is refused either way, so it never reaches a URL.
        foreach (var existing in new[] { Cluster, null })
        {
            var s = NamespaceSelection.Resolve([name, "ci"], false, null, existing);
            Assert.Equal(["ci"], s.Targets);
            var invalid = Assert.Single(s.Invalid);
            Assert.Equal((NameKind.Namespace, name), (invalid.Kind, invalid.Name));
            Assert.Empty(s.Missing);
        }
    }

    [Fact]
    public void LiteralsWithoutAListAreUnverifiedAndInTheOrderGiven()
    {
        var s = NamespaceSelection.Resolve(["shop", "ci", "shop"], false, null, null);
        Assert.Equal(["shop", "ci"], s.Targets);
        Assert.Equal(["shop", "ci"], s.Unverified);
        Assert.False(s.ExistenceKnown);
    }

    [Fact]
    public void NothingRequestedIsTheDefaultNamespace()
    {
        var s = NamespaceSelection.Resolve(null, false, null, null, defaultNamespace: "ci");
        Assert.Equal(["ci"], s.Targets);
        // A kubeconfig's namespace passes the same rule.
        var bad = NamespaceSelection.Resolve(null, false, null, null, defaultNamespace: "../x");
        Assert.Empty(bad.Targets);
        Assert.Single(bad.Invalid);
    }

    [Fact]
    public void WithoutTheListAWildcardMatchesNothingWhenTheListWasRefused()
    {
        var s = NamespaceSelection.Resolve(["kube-*", "ci"], false, null, null, listUnavailable: true);
        Assert.Equal(["ci"], s.Targets);
        Assert.Equal(["kube-*"], s.UnmatchedPatterns);
    }

    [Fact]
    public void AWildcardIsMatchedNeverTakenAsAName()
    {
        var s = NamespaceSelection.Resolve(["*"], false, null, Cluster);
        Assert.Equal(Cluster.OrderBy(n => n, StringComparer.Ordinal), s.Targets);
        Assert.Empty(s.Invalid);
    }
}
