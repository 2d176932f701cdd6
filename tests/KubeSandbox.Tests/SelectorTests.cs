using System.Net;
using KubeSandbox.Selectors;

namespace KubeSandbox.Tests;

public sealed class SelectorTests : IClassFixture<DemoSandbox>
{
    private readonly DemoSandbox _fx;
    public SelectorTests(DemoSandbox fx) => _fx = fx;

    private static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front", ["n"] = "5" };

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app!=db", true)]
    [InlineData("app in (web,db)", true)]
    [InlineData("app notin (web,db)", false)]
    [InlineData("missing notin (x)", true)]
    [InlineData("app", true)]
    [InlineData("!app", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("app=web, tier in (front)", true)]
    [InlineData("n>4", true)]
    [InlineData("n<5", false)]
    [InlineData("", true)]
    public void Label_selectors_match_as_the_real_parser(string selector, bool matches) =>
        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(Labels));

    [Theory]
    [InlineData("app=", "")]
    [InlineData("app in (web", "unable to parse requirement: found '', expected: ',' or ')'")]
    [InlineData("app in web", "unable to parse requirement: found 'web' expected: '('")]
    [InlineData("=web", "found '=', expected: !, identifier, or 'end of string'")]
    [InlineData("app=web,", "found '', expected: identifier after ','")]
    [InlineData("bad key=x", "unable to parse requirement: found 'key', expected: in, notin, =, ==, !=, gt, lt")]
    public void Label_selector_errors_have_the_parsers_words(string selector, string message)
    {
        if (message.Length == 0) { LabelSelector.Parse(selector); return; } // "app=" is valid: empty value
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task Label_selector_over_http()
    {
        var r = await _fx.Client.GetAsync2("/api/v1/namespaces?labelSelector=" + Uri.EscapeDataString("team in (storefront,payments)"));
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(new[] { "payments", "shop" }, r.Names());
        var bad = await _fx.Client.GetAsync2("/api/v1/namespaces?labelSelector=" + Uri.EscapeDataString("team in (a"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("unable to parse requirement: found '', expected: ',' or ')'", bad.Message);
    }

    [Fact]
    public async Task Field_selectors_clients_use()
    {
        var byName = await _fx.Client.GetAsync2("/api/v1/serviceaccounts?fieldSelector=metadata.name%3Dledger");
        Assert.Equal(new[] { "ledger" }, byName.Names());
        var byNs = await _fx.Client.GetAsync2("/api/v1/serviceaccounts?fieldSelector=metadata.namespace%3Dci");
        Assert.Equal(new[] { "default", "deployer", "runner" }, byNs.Names());
        var legacy = await _fx.Client.GetAsync2("/api/v1/secrets?fieldSelector=" + Uri.EscapeDataString("type=kubernetes.io/service-account-token"));
        Assert.Contains("reporter-token", legacy.Names());
        Assert.All(legacy.Object["items"]!.AsArray(), s => Assert.Equal("kubernetes.io/service-account-token", s!["type"]!.GetValue<string>()));
        var pods = await _fx.Client.GetAsync2("/api/v1/namespaces/shop/pods?fieldSelector=spec.serviceAccountName%3Ddefault");
        Assert.Equal(new[] { "batch-report", "debug-shell" }, pods.Names());
        var notDefault = await _fx.Client.GetAsync2("/api/v1/namespaces/shop/pods?fieldSelector=spec.serviceAccountName%21%3Ddefault");
        Assert.DoesNotContain("debug-shell", notDefault.Names());
        Assert.NotEmpty(notDefault.Names());
    }

    [Theory]
    [InlineData("/api/v1/namespaces/ci/serviceaccounts", "spec.foo=bar", "\"spec.foo\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")]
    [InlineData("/api/v1/namespaces/ci/secrets", "data.token=x", "field label not supported: data.token")]
    [InlineData("/api/v1/namespaces/ci/pods", "spec.nope=x", "field label not supported: spec.nope")]
    [InlineData("/apis/rbac.authorization.k8s.io/v1/clusterroles", "rules=x", "\"rules\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")]
    [InlineData("/api/v1/namespaces/ci/configmaps", "metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'")]
    public async Task Unsupported_field_selectors_are_400_with_the_real_message(string path, string selector, string message)
    {
        var r = await _fx.Client.GetAsync2(path + "?fieldSelector=" + Uri.EscapeDataString(selector));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("BadRequest", r.Reason);
        Assert.Equal(message, r.Message);
    }
}
