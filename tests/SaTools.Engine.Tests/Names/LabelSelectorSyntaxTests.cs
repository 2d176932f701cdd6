using SaTools.Engine.Names;

namespace SaTools.Engine.Tests.Names;

/// <summary>Selectors as apimachinery's labels.Parse accepts or refuses them (pkg/labels/selector_test.go cases).</summary>
public class LabelSelectorSyntaxTests
{
    [Theory]
    [InlineData("")]
    [InlineData("app")]
    [InlineData("!canary")]
    [InlineData("app=web")]
    [InlineData("app==web,tier!=db")]
    [InlineData("x=")]
    [InlineData("env in (prod, staging)")]
    [InlineData("env notin (a)")]
    [InlineData("example.com/team=platform")]
    [InlineData("replicas>1")]
    [InlineData("a=b, c in (d,e), !f")]
    public void Accepted(string selector) => Assert.Null(LabelSelectorSyntax.Problem(selector));

    [Theory]
    [InlineData("app in (a")]
    [InlineData("app=web,")]
    [InlineData("=web")]
    [InlineData("app=we b")]
    [InlineData("app=-web")]
    [InlineData("a b")]
    [InlineData("!app=web")]
    [InlineData("app in a")]
    [InlineData("replicas>x")]
    [InlineData("Example.com/team=x")]
    [InlineData("app=web;rm")]
    public void Refused(string selector) => Assert.NotNull(LabelSelectorSyntax.Problem(selector));
}
