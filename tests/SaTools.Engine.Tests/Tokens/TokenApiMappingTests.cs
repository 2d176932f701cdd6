using k8s.Models;
using SaTools.Engine.Tokens;

namespace SaTools.Engine.Tests.Tokens;

public sealed class TokenApiMappingTests : IDisposable
{
    private readonly TestSigner cluster = TestSigner.Rsa();

    public void Dispose() => cluster.Dispose();

    [Fact]
    public void BuildsTheTokenRequestBody()
    {
        var request = new BoundTokenRequest("alpha", "runner")
        {
            Duration = TimeSpan.FromMinutes(10),
            Audiences = new[] { "vault" },
            BoundObject = new TokenBoundObject("Pod", "runner-pod", "p-1"),
        };

        var body = TokenRequestMapper.Build(request);

        Assert.Equal("authentication.k8s.io/v1", body.ApiVersion);
        Assert.Equal("TokenRequest", body.Kind);
        Assert.Equal(600, body.Spec.ExpirationSeconds);
        Assert.Equal(new[] { "vault" }, body.Spec.Audiences);
        Assert.Equal("v1", body.Spec.BoundObjectRef.ApiVersion);
        Assert.Equal("Pod", body.Spec.BoundObjectRef.Kind);
        Assert.Equal("runner-pod", body.Spec.BoundObjectRef.Name);
        Assert.Equal("p-1", body.Spec.BoundObjectRef.Uid);
        Assert.Contains("lifetime 10m, audiences vault, bound to Pod/runner-pod (uid p-1)", request.Describe());
    }

    [Fact]
    public void LeavesDefaultsToTheServer()
    {
        var body = TokenRequestMapper.Build(new BoundTokenRequest("alpha", "runner"));

        Assert.Null(body.Spec.ExpirationSeconds);
        Assert.Empty(body.Spec.Audiences);
        Assert.Null(body.Spec.BoundObjectRef);
    }

    [Fact]
    public void RefusesWhatTheServerWouldRefuseBeforeAnyRequest()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenRequestMapper.Build(new BoundTokenRequest("alpha", "runner") { Duration = TimeSpan.FromMinutes(9) }));
        var kind = Assert.Throws<ArgumentException>(() => TokenRequestMapper.Build(new BoundTokenRequest("alpha", "runner") { BoundObject = new TokenBoundObject("ConfigMap", "x", null) }));
        Assert.Contains("Pod, Secret or Node, not a ConfigMap", kind.Message);
        Assert.Throws<ArgumentException>(() => new BoundTokenRequest("", "runner"));
    }

    private Authenticationv1TokenRequest Response(TimeSpan jwtLifetime, TimeSpan statusLifetime, params string[] audiences)
    {
        var token = cluster.Sign(TestClaims.ServiceAccount(aud: audiences.Length > 0 ? audiences : null, lifetime: jwtLifetime, jti: "j-9"));
        return new Authenticationv1TokenRequest
        {
            Metadata = new V1ObjectMeta { Name = "runner", NamespaceProperty = "alpha", CreationTimestamp = TestClaims.Now.UtcDateTime },
            Spec = new V1TokenRequestSpec { Audiences = audiences.Length > 0 ? audiences.ToList() : new List<string> { TestSigner.Issuer } },
            Status = new V1TokenRequestStatus { Token = token, ExpirationTimestamp = TestClaims.Now.Add(statusLifetime).UtcDateTime },
        };
    }

    [Fact]
    public void AServerThatShortensTheLifetimeIsReportedAsCapped()
    {
        var request = new BoundTokenRequest("alpha", "runner") { Duration = TimeSpan.FromHours(48) };

        var token = TokenRequestMapper.Map(request, Response(TimeSpan.FromHours(24), TimeSpan.FromHours(24)), TestClaims.Now);

        Assert.True(token.Capped);
        Assert.Equal(TimeSpan.FromHours(48), token.RequestedDuration);
        Assert.Equal(TimeSpan.FromHours(24), token.GrantedDuration);
        Assert.Equal(TestClaims.Now.AddHours(24), token.ExpiresAt);
        Assert.Equal(TestClaims.Now, token.IssuedAt);
        Assert.Equal(TestSigner.Issuer, token.Issuer);
        Assert.Equal("j-9", token.TokenId);
    }

    [Fact]
    public void AFullLifetimeIsNotCappedAndTheDefaultIsAnHour()
    {
        var asked = TokenRequestMapper.Map(new BoundTokenRequest("alpha", "runner") { Duration = TimeSpan.FromMinutes(10), Audiences = new[] { "vault" } },
            Response(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), "vault"), TestClaims.Now);
        Assert.False(asked.Capped);
        Assert.Equal(new[] { "vault" }, asked.Audiences);

        var byDefault = TokenRequestMapper.Map(new BoundTokenRequest("alpha", "runner"), Response(TimeSpan.FromHours(1), TimeSpan.FromHours(1)), TestClaims.Now);
        Assert.False(byDefault.Capped);
        Assert.Equal(TimeSpan.FromHours(1), byDefault.RequestedDuration);
    }

    [Fact]
    public void TheExtendedExpirationOfAPodBoundTokenIsNotMistakenForTheGrantedLifetime()
    {
        // kube-apiserver gives a 3607 s pod-bound API-audience token a JWT exp one year out while
        // status.expirationTimestamp says 3607 s (recorded exchange tr-bound-pod-3607).
        var request = new BoundTokenRequest("alpha", "runner") { Duration = TimeSpan.FromSeconds(3607) };

        var token = TokenRequestMapper.Map(request, Response(TimeSpan.FromDays(365), TimeSpan.FromSeconds(3607)), TestClaims.Now);

        Assert.Equal(TestClaims.Now.AddSeconds(3607), token.ExpiresAt);
        Assert.False(token.Capped);
    }

    [Fact]
    public void TheTokenIsNeverInToString()
    {
        var token = TokenRequestMapper.Map(new BoundTokenRequest("alpha", "runner"), Response(TimeSpan.FromHours(1), TimeSpan.FromHours(1)), TestClaims.Now);

        Assert.DoesNotContain(token.Token, token.ToString());
        Assert.DoesNotContain(token.Token.Split('.')[2], token.ToString());
        Assert.Throws<InvalidOperationException>(() => TokenRequestMapper.Map(new BoundTokenRequest("alpha", "runner"),
            new Authenticationv1TokenRequest { Status = new V1TokenRequestStatus() }, TestClaims.Now));
    }

    [Fact]
    public void BuildsATokenReview()
    {
        var review = TokenReviewMapper.Build("a.b.c", new[] { "vault" });
        Assert.Equal("TokenReview", review.Kind);
        Assert.Equal("a.b.c", review.Spec.Token);
        Assert.Equal(new[] { "vault" }, review.Spec.Audiences);
        Assert.Null(TokenReviewMapper.Build("a.b.c", Array.Empty<string>()).Spec.Audiences);
    }

    [Fact]
    public void MapsASuccessfulReviewWithExtra()
    {
        var inspected = TokenInspector.Inspect(cluster.Sign(TestClaims.ServiceAccount()));
        var response = new V1TokenReview
        {
            Status = new V1TokenReviewStatus
            {
                Authenticated = true,
                Audiences = new List<string> { TestSigner.Issuer },
                User = new V1UserInfo
                {
                    Username = "system:serviceaccount:alpha:runner",
                    Uid = "u-1",
                    Groups = new List<string> { "system:serviceaccounts", "system:serviceaccounts:alpha", "system:authenticated" },
                    Extra = new Dictionary<string, IList<string>>
                    {
                        ["authentication.kubernetes.io/pod-name"] = new List<string> { "runner-pod" },
                        ["authentication.kubernetes.io/pod-uid"] = new List<string> { "p-1" },
                        ["authentication.kubernetes.io/credential-id"] = new List<string> { "JTI=j-1" },
                    },
                },
            },
        };

        var outcome = TokenReviewMapper.Map(response, Array.Empty<string>(), inspected);

        Assert.Equal(TokenCheckMethod.TokenReview, outcome.Method);
        Assert.True(outcome.Authenticated);
        Assert.Equal("system:serviceaccount:alpha:runner", outcome.UserName);
        Assert.Equal("u-1", outcome.Uid);
        Assert.Equal(3, outcome.Groups.Count);
        Assert.Equal("runner-pod", outcome.PodName);
        Assert.Equal("p-1", outcome.PodUid);
        Assert.Equal("JTI=j-1", outcome.CredentialId);
        Assert.Null(outcome.Error);
        Assert.Same(inspected, outcome.Token);
    }

    [Fact]
    public void MapsAFailedReviewAsTheServerSendsIt()
    {
        var inspected = TokenInspector.Inspect(cluster.Sign(TestClaims.ServiceAccount()));
        var response = new V1TokenReview { Status = new V1TokenReviewStatus { User = new V1UserInfo(), Error = "[invalid bearer token, service account token has been invalidated]" } };

        var outcome = TokenReviewMapper.Map(response, Array.Empty<string>(), inspected);

        Assert.False(outcome.Authenticated);
        Assert.Equal("[invalid bearer token, service account token has been invalidated]", outcome.Error);
        Assert.Null(outcome.UserName);
        Assert.Empty(outcome.Groups);
    }

    [Fact]
    public void AReviewThatReturnsNoneOfTheRequestedAudiencesIsNotAuthenticated()
    {
        var inspected = TokenInspector.Inspect(cluster.Sign(TestClaims.ServiceAccount()));
        var response = new V1TokenReview
        {
            Status = new V1TokenReviewStatus { Authenticated = true, Audiences = new List<string> { TestSigner.Issuer }, User = new V1UserInfo { Username = "x" } },
        };

        var outcome = TokenReviewMapper.Map(response, new[] { "vault" }, inspected);

        Assert.False(outcome.Authenticated);
        Assert.Contains("none of the requested audiences [\"vault\"]", outcome.Error);
        Assert.Empty(outcome.Audiences);
    }
}
