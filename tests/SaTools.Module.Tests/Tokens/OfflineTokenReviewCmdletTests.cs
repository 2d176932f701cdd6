using System.Management.Automation;
using System.Text.Json.Nodes;

namespace SaTools.Module.Tests.Tokens;

/// <summary>Test-K8sTokenReview -Offline -JwksPath: no cluster at all (the air-gapped case).</summary>
public sealed class OfflineTokenReviewCmdletTests : IDisposable
{
    private readonly TestSigner cluster = TestSigner.Rsa();
    private readonly TestSigner attacker = TestSigner.Rsa();
    private readonly string jwksPath = Path.Combine(Path.GetTempPath(), $"satools-jwks-{Guid.NewGuid():N}.json");
    private readonly ModuleSession session = new();

    public OfflineTokenReviewCmdletTests() => File.WriteAllText(jwksPath, TestSigner.Jwks(cluster));

    public void Dispose()
    {
        session.Dispose();
        cluster.Dispose();
        attacker.Dispose();
        File.Delete(jwksPath);
    }

    private PSObject Review(string token, params string[] audience)
    {
        var result = session.RunCapturing(
            "Test-K8sTokenReview -Token $args[0] -JwksPath $args[1] -Issuer $args[2] -Audience $args[3]",
            token, jwksPath, TestSigner.Issuer, audience.Length > 0 ? audience : null);
        Assert.Empty(result.AllErrors);
        return Assert.Single(result.Output);
    }

    private static T Get<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    [Fact]
    public void AValidTokenAuthenticatesOfflineAndSaysWhatItCannotKnow()
    {
        var token = cluster.Sign(TestClaims.Live(pod: new JsonObject { ["name"] = "runner-pod", ["uid"] = "p-1" }));

        var r = Review(token);

        Assert.Equal("SaTools.Output.K8sTokenReviewResult", r.BaseObject.GetType().FullName);
        Assert.Equal("Offline", Get<string>(r, "Method"));
        Assert.True(Get<bool>(r, "Authenticated"));
        Assert.Equal("system:serviceaccount:alpha:runner", Get<string>(r, "UserName"));
        Assert.Equal(new[] { "system:serviceaccounts", "system:serviceaccounts:alpha", "system:authenticated" }, Get<IEnumerable<string>>(r, "Groups"));
        Assert.Equal(new[] { TestSigner.Issuer }, Get<IEnumerable<string>>(r, "Audiences"));
        Assert.Equal("Pod/runner-pod", Get<string>(r, "BoundObject"));
        Assert.Equal("runner-pod", Get<string>(r, "PodName"));
        Assert.Contains("authentication.kubernetes.io/pod-uid=p-1", Get<IEnumerable<string>>(r, "Extra"));
        Assert.False(Get<bool>(r, "IsLegacy"));
        Assert.Contains(Get<IEnumerable<string>>(r, "Limitations"), l => l.Contains("bound Pod 'runner-pod'"));
        Assert.True(Get<TimeSpan?>(r, "ExpiresIn") > TimeSpan.FromMinutes(50));
        Assert.Null(Get<string>(r, "Error"));
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "expired", "expired at" },
        { "wrong-audience", "is invalid for the target audiences" },
        { "forged", "does not verify with any key" },
        { "tampered", "does not verify with any key" },
        { "alg-none", "alg: none" },
        { "wrong-issuer", "is not the expected issuer" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void AWellFormedInvalidTokenIsAResultNotAnError(string kind, string reason)
    {
        var token = kind switch
        {
            "expired" => cluster.Sign(TestClaims.Live(iat: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromMinutes(10))),
            "wrong-audience" => cluster.Sign(TestClaims.Live(aud: new[] { "vault" })),
            "forged" => attacker.Sign(TestClaims.Live()),
            "tampered" => TestSigner.WithPayload(cluster.Sign(TestClaims.Live()), TestClaims.Live(name: "admin")),
            "alg-none" => TestSigner.Unsigned(TestClaims.Live()),
            "wrong-issuer" => cluster.Sign(ReIssued(TestClaims.Live(), "https://other.example")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var r = Review(token);

        Assert.False(Get<bool>(r, "Authenticated"));
        Assert.Contains(reason, Get<string>(r, "Error"));
        Assert.Null(Get<string>(r, "UserName"));
    }

    private static JsonObject ReIssued(JsonObject claims, string issuer)
    {
        claims["iss"] = issuer;
        return claims;
    }

    [Fact]
    public void TheRequestedAudienceDecides()
    {
        var token = cluster.Sign(TestClaims.Live(aud: new[] { "vault", "ci" }));

        var r = Review(token, "other", "vault");

        Assert.True(Get<bool>(r, "Authenticated"));
        Assert.Equal(new[] { "vault" }, Get<IEnumerable<string>>(r, "Audiences"));
    }

    [Fact]
    public void ALegacyTokenIsValidOfflineButTheInvalidationLabelCannotBeSeen()
    {
        var r = Review(cluster.Sign(TestClaims.Legacy()));

        Assert.True(Get<bool>(r, "Authenticated"));
        Assert.True(Get<bool>(r, "IsLegacy"));
        Assert.Null(Get<TimeSpan?>(r, "ExpiresIn"));
        Assert.Contains(Get<IEnumerable<string>>(r, "Limitations"), l => l.Contains("kubernetes.io/legacy-token-invalid-since"));
    }

    [Theory]
    [InlineData("not-a-jwt-just-garbage", "three dot-separated parts")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.e30=.sig", "not valid base64url")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.sig", "does not decode to JSON")]
    public void AMalformedTokenIsAClearErrorAndTheNextTokenStillRuns(string malformed, string expected)
    {
        var good = cluster.Sign(TestClaims.Live());

        var result = session.RunCapturing(
            "$args[0], $args[1] | ForEach-Object { [pscustomobject]@{ Token = $_ } } | Test-K8sTokenReview -JwksPath $args[2] -Issuer $args[3]",
            malformed, good, jwksPath, TestSigner.Issuer);

        var error = Assert.Single(result.Errors);
        Assert.Null(result.Terminating);
        Assert.Equal("TestK8sTokenReviewMalformedToken,SaTools.Commands.TestK8sTokenReviewCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains(expected, error.Exception.Message);
        Assert.DoesNotContain(malformed, error.ToString());
        Assert.True(Get<bool>(Assert.Single(result.Output), "Authenticated"));
    }

    [Fact]
    public void ATokenFileIsRead()
    {
        var file = Path.Combine(Path.GetTempPath(), $"satools-token-{Guid.NewGuid():N}");
        File.WriteAllText(file, cluster.Sign(TestClaims.Live()) + "\n");
        try
        {
            var result = session.RunCapturing("Test-K8sTokenReview -Path $args[0], $args[2] -JwksPath $args[1] -Issuer $args[3]", file, jwksPath, "/no/such/token", TestSigner.Issuer);

            var error = Assert.Single(result.Errors);
            Assert.Equal("TestK8sTokenReviewTokenFileNotFound,SaTools.Commands.TestK8sTokenReviewCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            var r = Assert.Single(result.Output);
            Assert.True(Get<bool>(r, "Authenticated"));
            Assert.Equal(file, Get<string>(r, "Source"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void TokenFilesBindFromGetChildItem()
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"satools-tokens-{Guid.NewGuid():N}"));
        File.WriteAllText(Path.Combine(dir.FullName, "a.token"), cluster.Sign(TestClaims.Live(name: "a")));
        File.WriteAllText(Path.Combine(dir.FullName, "b.token"), attacker.Sign(TestClaims.Live(name: "b")));
        try
        {
            var result = session.RunCapturing("[System.IO.FileInfo]::new(($args[0] + '/a.token')), [System.IO.FileInfo]::new(($args[0] + '/b.token')) | Test-K8sTokenReview -JwksPath $args[1] -Issuer $args[2]", dir.FullName, jwksPath, TestSigner.Issuer);

            Assert.Empty(result.AllErrors);
            Assert.Equal(2, result.Output.Count);
            Assert.True(Get<bool>(result.Output[0], "Authenticated"));
            Assert.False(Get<bool>(result.Output[1], "Authenticated"));
            Assert.EndsWith("b.token", Get<string>(result.Output[1], "Source"));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void AnUnusableJwksStopsWithASpecificError()
    {
        var bad = Path.Combine(Path.GetTempPath(), $"satools-badjwks-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}");
        try
        {
            var result = session.RunCapturing("Test-K8sTokenReview -Token $args[0] -JwksPath $args[1]", cluster.Sign(TestClaims.Live()), bad);

            // Terminating for the cmdlet (statement-terminating inside the script): nothing can be validated.
            var error = Assert.Single(result.AllErrors);
            Assert.Equal("TestK8sTokenReviewKeysUnavailable,SaTools.Commands.TestK8sTokenReviewCommand", error.FullyQualifiedErrorId);
            Assert.Contains("no RSA or EC signing key", error.Exception.Message);
            Assert.Empty(result.Output);
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
