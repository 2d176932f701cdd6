using SaTools.Engine.Api;
using SaTools.Engine.Names;

namespace SaTools.Engine.Tests.Names;

/// <summary>The naming rules of apimachinery's validation.go and path/name.go, and the path escaping behind them.</summary>
public class KubeNamesTests
{
    private static readonly string Long63 = new('a', 63);
    private static readonly string Long64 = new('a', 64);
    private static readonly string Long253 = string.Join(".", Enumerable.Repeat(new string('a', 63), 4)).Substring(0, 253).TrimEnd('.');
    private static readonly string Long254 = new string('a', 63) + "." + new string('b', 63) + "." + new string('c', 63) + "." + new string('d', 62);

    public static TheoryData<NameKind, string, bool> Table() => new()
    {
        // Namespaces: DNS-1123 labels.
        { NameKind.Namespace, "shop", true },
        { NameKind.Namespace, "kube-system", true },
        { NameKind.Namespace, "123-abc", true },
        { NameKind.Namespace, Long63, true },
        { NameKind.Namespace, Long64, false },
        { NameKind.Namespace, "", false },
        { NameKind.Namespace, "..", false },
        { NameKind.Namespace, ".", false },
        { NameKind.Namespace, "%2e%2e", false },
        { NameKind.Namespace, "shop/serviceaccounts/frontend", false },
        { NameKind.Namespace, "shop/serviceaccounts/frontend/token?x=/../../..", false },
        { NameKind.Namespace, "a?b", false },
        { NameKind.Namespace, "Shop", false },
        { NameKind.Namespace, "-shop", false },
        { NameKind.Namespace, "shop-", false },
        { NameKind.Namespace, "a.b", false },
        { NameKind.Namespace, "a b", false },
        { NameKind.Namespace, "shop\\x", false },
        // ServiceAccounts, Secrets, Pods: DNS-1123 subdomains.
        { NameKind.ServiceAccount, "frontend", true },
        { NameKind.ServiceAccount, "my.app-1", true },
        { NameKind.ServiceAccount, Long253, true },
        { NameKind.ServiceAccount, Long254, false },
        { NameKind.ServiceAccount, "../../shop/serviceaccounts/frontend", false },
        { NameKind.ServiceAccount, "..", false },
        { NameKind.ServiceAccount, "%2e%2e", false },
        { NameKind.ServiceAccount, "a/b", false },
        { NameKind.ServiceAccount, "a?b", false },
        { NameKind.ServiceAccount, "Frontend", false },
        { NameKind.ServiceAccount, "a..b", false },
        { NameKind.ServiceAccount, "", false },
        { NameKind.Secret, "default-token-abcde", true },
        { NameKind.Secret, "../../legacy-apps/secrets/default-token-manual", false },
        { NameKind.Pod, "web-7d4b9c-x2k1", true },
        { NameKind.Pod, "web#1", false },
        // RBAC objects: path segment names, so colons and capitals are fine, '.', '..', '/' and '%' are not.
        { NameKind.RbacObject, "system:controller:namespace-controller", true },
        { NameKind.RbacObject, "Admin Role", true },
        { NameKind.RbacObject, "..", false },
        { NameKind.RbacObject, ".", false },
        { NameKind.RbacObject, "a/b", false },
        { NameKind.RbacObject, "%2e%2e", false },
        { NameKind.RbacObject, "", false },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void NamesAreJudgedByTheirKindsRule(NameKind kind, string name, bool valid)
    {
        Assert.Equal(valid, KubeNames.IsValid(kind, name));
        Assert.Equal(valid, KubeNames.Problem(kind, name) is null);
    }

    [Fact]
    public void ProblemsSayWhatIsWrongInApimachinerysWords()
    {
        Assert.Equal("must be no more than 63 characters", KubeNames.IsDns1123Label(Long64)[0]);
        Assert.Contains("lowercase RFC 1123 label", KubeNames.Problem(NameKind.Namespace, "Shop"));
        Assert.Contains("lowercase RFC 1123 subdomain", KubeNames.Problem(NameKind.ServiceAccount, "a/b"));
        Assert.Equal(["may not be '..'"], KubeNames.IsValidPathSegmentName(".."));
        Assert.Equal(["may not contain '/'", "may not contain '%'"], KubeNames.IsValidPathSegmentName("a/%"));
        Assert.Equal("a name is required", KubeNames.Problem(NameKind.Secret, ""));
        Assert.Contains("'..' is not a valid namespace name", KubeNames.Describe(NameKind.Namespace, "..", "x"));
    }

    [Theory]
    [InlineData(NameKind.Namespace, "..")]
    [InlineData(NameKind.Namespace, "%2e%2e")]
    [InlineData(NameKind.ServiceAccount, "../../shop/serviceaccounts/frontend")]
    [InlineData(NameKind.RbacObject, ".")]
    [InlineData(NameKind.Secret, "x?y=z")]
    public void APathSegmentRefusesAnInvalidNameBeforeAnyRequest(NameKind kind, string name)
    {
        var e = Assert.Throws<KubeApiException>(() => KubeApi.PathSegment(kind, name));
        Assert.Equal(KubeErrorKind.InvalidName, e.Kind);
        Assert.Contains($"'{name}'", e.Message);
    }

    [Theory]
    [InlineData(NameKind.Namespace, "shop", "shop")]
    [InlineData(NameKind.ServiceAccount, "my.app-1", "my.app-1")]
    // A path segment name may hold characters a URL path must not carry raw: they are escaped, so they stay one segment.
    [InlineData(NameKind.RbacObject, "system:node", "system%3Anode")]
    [InlineData(NameKind.RbacObject, "a?b#c", "a%3Fb%23c")]
    [InlineData(NameKind.RbacObject, "two words", "two%20words")]
    public void AValidNameIsEscapedAsOneSegment(NameKind kind, string name, string segment) =>
        Assert.Equal(segment, KubeApi.PathSegment(kind, name));
}

public class KubeNamePatternTests
{
    [Theory]
    [InlineData(NameKind.Namespace, "kube-*", true)]
    [InlineData(NameKind.Namespace, "SATOOLS-*", true)]
    [InlineData(NameKind.Namespace, "team-[a-c]", true)]
    [InlineData(NameKind.Namespace, "shop/serviceaccounts/frontend?", false)]
    [InlineData(NameKind.Namespace, "..*", false)]
    [InlineData(NameKind.Namespace, "%2e*", false)]
    [InlineData(NameKind.ServiceAccount, "my.app-*", true)]
    [InlineData(NameKind.ServiceAccount, "../*", false)]
    [InlineData(NameKind.RbacObject, "system:*", true)]
    [InlineData(NameKind.RbacObject, "a/*", false)]
    public void APatternIsRefusedOnlyWhenItCanMatchNoName(NameKind kind, string pattern, bool canMatch) =>
        Assert.Equal(canMatch, KubeNames.PatternProblem(kind, pattern) is null);

    [Fact]
    public void AnImpossiblePatternIsInvalidWithoutTheNamespaceList()
    {
        var s = NamespaceSelection.Resolve(["shop/x*", "ci"], false, null, null);
        Assert.Equal(["ci"], s.Targets);
        Assert.Equal("shop/x*", Assert.Single(s.Invalid).Name);
    }
}
