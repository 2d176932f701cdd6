using SaTools.Engine.Rbac;

namespace SaTools.Tests.Rbac;

/// <summary>The request/rule table (<see cref="RbacCases"/>), answered by the engine from the case's manifests.</summary>
public sealed class RbacCaseTableTests
{
    public static TheoryData<string> CaseIds()
    {
        var data = new TheoryData<string>();
        foreach (var c in RbacCases.All)
        {
            data.Add(c.Id);
        }

        return data;
    }

    [Fact]
    public void TheTableHasAtLeastSixtyUniqueCasesWithBothAnswers()
    {
        Assert.True(RbacCases.All.Count >= 60, $"only {RbacCases.All.Count} cases");
        Assert.Equal(RbacCases.All.Count, RbacCases.All.Select(c => c.Id).Distinct().Count());
        Assert.Contains(RbacCases.All, c => c.Allowed);
        Assert.Contains(RbacCases.All, c => !c.Allowed);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void TheAuthorizerAnswerIsReproduced(string id)
    {
        var c = RbacCases.All.Single(x => x.Id == id);
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(RbacManifestLoader.LoadText(c.Manifests)));

        var allowed = evaluator.IsAllowed(new ServiceAccountRef(c.SaNamespace, c.SaName), ToRequest(c.Request));

        Assert.True(c.Allowed == allowed, $"{c.Id} ({c.Rule}): {c.Request} expected {(c.Allowed ? "allowed" : "denied")}");
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void TheWhoCanFilterKeepsGrantsExactlyWhenAllowed(string id)
    {
        var c = RbacCases.All.Single(x => x.Id == id);
        var evaluator = new EffectivePermissionEvaluator(new RbacIndex(RbacManifestLoader.LoadText(c.Manifests)));

        var grants = evaluator.GetGrants(new ServiceAccountRef(c.SaNamespace, c.SaName), ToFilter(c.Request)).ToList();

        Assert.True(c.Allowed == grants.Count > 0, $"{c.Id}: {c.Request} expected {(c.Allowed ? "some" : "no")} grant, got {grants.Count}");
        Assert.All(grants, g => Assert.False(g.IsMissingRole));
    }

    internal static RbacRequest ToRequest(CaseRequest r) =>
        r.Url is not null
            ? RbacRequest.ForNonResourceUrl(r.Verb, r.Url)
            : RbacRequest.ForResource(r.Verb, r.Resource!, r.ApiGroup, r.Name, r.Namespace);

    internal static PermissionFilter ToFilter(CaseRequest r) =>
        r.Url is not null
            ? new PermissionFilter { Verb = r.Verb, NonResourceUrl = r.Url }
            : new PermissionFilter
            {
                Verb = r.Verb,
                Resource = r.Resource,
                ApiGroup = r.ApiGroup,
                ResourceName = r.Name,
                Scope = r.Namespace ?? EffectiveGrant.ClusterScope,
            };
}
