using System.Text.Json.Nodes;
using SaTools.Engine.Tokens;

namespace SaTools.Engine.Tests.Tokens;

public sealed class TokenInspectorTests
{
    [Fact]
    public void DecodesAPodBoundTokenAsKubeApiserverIssuesIt()
    {
        using var signer = TestSigner.Rsa();
        var claims = TestClaims.ServiceAccount(
            jti: "0e4f-jti",
            pod: new JsonObject { ["name"] = "runner-pod", ["uid"] = "pod-uid-1" },
            node: new JsonObject { ["name"] = "node-a", ["uid"] = "node-uid-1" });
        ((JsonObject)claims["kubernetes.io"]!)["warnafter"] = TestClaims.Now.AddMinutes(60).ToUnixTimeSeconds();

        var token = TokenInspector.Inspect(signer.Sign(claims));

        Assert.Equal("RS256", token.Algorithm);
        Assert.Equal("rsa-key-1", token.KeyId);
        Assert.Equal(TestSigner.Issuer, token.Issuer);
        Assert.Equal("system:serviceaccount:alpha:runner", token.Subject);
        Assert.Equal(new[] { TestSigner.Issuer }, token.Audiences);
        Assert.Equal(TestClaims.Now, token.IssuedAt);
        Assert.Equal(TestClaims.Now, token.NotBefore);
        Assert.Equal(TestClaims.Now.AddHours(1), token.ExpiresAt);
        Assert.Equal(TimeSpan.FromHours(1), token.Lifetime);
        Assert.Equal("0e4f-jti", token.TokenId);
        Assert.Equal("alpha", token.Namespace);
        Assert.Equal("runner", token.ServiceAccountName);
        Assert.Equal("11111111-2222-3333-4444-555555555555", token.ServiceAccountUid);
        Assert.Equal(new TokenBoundObject("Pod", "runner-pod", "pod-uid-1"), token.BoundObject);
        Assert.Equal(new TokenBoundObject("Node", "node-a", "node-uid-1"), token.Node);
        Assert.Equal(TestClaims.Now.AddMinutes(60), token.WarnAfter);
        Assert.False(token.IsLegacy);
        Assert.Equal("system:serviceaccount:alpha:runner", token.ServiceAccountUserName);
        Assert.Equal("alpha", JsonNode.Parse(token.ClaimsJson)!["kubernetes.io"]!["namespace"]!.GetValue<string>());
        Assert.Equal("0e4f-jti", token.Claims["jti"]);
        Assert.StartsWith("{", token.Claims["kubernetes.io"]);
        Assert.Equal(TimeSpan.FromMinutes(45), token.ExpiresIn(TestClaims.Now.AddMinutes(15)));
    }

    [Fact]
    public void ReadsASecretBindingAndASingleStringAudience()
    {
        using var signer = TestSigner.Rsa();
        var claims = TestClaims.ServiceAccount(secret: new JsonObject { ["name"] = "bind-target", ["uid"] = "s-uid" });
        claims["aud"] = "vault";

        var token = TokenInspector.Inspect(signer.Sign(claims));

        Assert.Equal(new[] { "vault" }, token.Audiences);
        Assert.Equal("Secret/bind-target", token.BoundObject!.ToString());
        Assert.Null(token.Node);
    }

    [Fact]
    public void RecognisesALegacySecretToken()
    {
        using var signer = TestSigner.Rsa();

        var token = TokenInspector.Inspect(signer.Sign(TestClaims.Legacy()));

        Assert.True(token.IsLegacy);
        Assert.Equal("runner-legacy", token.LegacySecretName);
        Assert.Equal("alpha", token.Namespace);
        Assert.Equal("runner", token.ServiceAccountName);
        Assert.Null(token.ExpiresAt);
        Assert.Null(token.ExpiresIn(TestClaims.Now));
        Assert.Empty(token.Audiences);
    }

    [Fact]
    public void ATokenWithExpiryIsNotLegacyEvenFromTheLegacyIssuer()
    {
        using var signer = TestSigner.Rsa();
        var claims = TestClaims.Legacy();
        claims["exp"] = TestClaims.Now.ToUnixTimeSeconds();

        Assert.False(TokenInspector.Inspect(signer.Sign(claims)).IsLegacy);
    }

    [Fact]
    public void IgnoresWhiteSpaceAndABearerPrefix()
    {
        using var signer = TestSigner.Rsa();
        var raw = signer.Sign(TestClaims.ServiceAccount());

        Assert.Equal("alpha", TokenInspector.Inspect("Bearer " + raw + "\n").Namespace);
        Assert.Equal(raw, TokenInspector.Normalize("  bearer " + raw + "\r\n"));
    }

    public static TheoryData<string, MalformedTokenProblem, string> MalformedTokens()
    {
        var header = TestSigner.B64("{\"alg\":\"RS256\"}");
        var payload = TestSigner.B64("{\"sub\":\"secret-subject-value\"}");
        return new TheoryData<string, MalformedTokenProblem, string>
        {
            { "   ", MalformedTokenProblem.Empty, "empty" },
            { "not-a-jwt-just-garbage", MalformedTokenProblem.NotThreeParts, "it has 1 part" },
            { header + "." + payload, MalformedTokenProblem.NotThreeParts, "it has 2 parts" },
            { header + "." + payload + ".sig.extra", MalformedTokenProblem.NotThreeParts, "it has 4 parts" },
            { "a.b.c.d.e", MalformedTokenProblem.NotThreeParts, "encrypted token (JWE)" },
            { header + "." + payload + "=.sig", MalformedTokenProblem.BadBase64Url, "payload (part 2 of 3) is not valid base64url: character" },
            { header + ".ab+c.sig", MalformedTokenProblem.BadBase64Url, "standard base64, not base64url" },
            { header + "." + payload + ".a!b", MalformedTokenProblem.BadBase64Url, "signature (part 3 of 3)" },
            { "abcde." + payload + ".sig", MalformedTokenProblem.BadBase64Url, "its length (5) cannot be base64url" },
            { "." + payload + ".sig", MalformedTokenProblem.BadBase64Url, "header (part 1 of 3) is empty" },
            { header + "." + TestSigner.B64("secret-subject-value") + ".sig", MalformedTokenProblem.NotJson, "payload (part 2 of 3) is valid base64url but does not decode to JSON" },
            { TestSigner.B64("[1,2]") + "." + payload + ".sig", MalformedTokenProblem.NotJson, "decodes to a JSON array, not a JSON object" },
            { header + "." + TestSigner.B64("{\"exp\":\"tomorrow\"}") + ".sig", MalformedTokenProblem.BadClaim, "'exp' is not a NumericDate" },
            { header + "." + TestSigner.B64("{\"aud\":[1]}") + ".sig", MalformedTokenProblem.BadClaim, "'aud' is neither a string nor an array" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedTokens))]
    public void MalformedInputIsASpecificErrorThatNeverQuotesTheToken(string input, MalformedTokenProblem problem, string expectedText)
    {
        var ex = Assert.Throws<MalformedTokenException>(() => TokenInspector.Inspect(input));

        Assert.Equal(problem, ex.Problem);
        Assert.Contains(expectedText, ex.Message);
        Assert.DoesNotContain("secret-subject-value", ex.Message);
        foreach (var part in input.Split('.').Where(p => p.Length > 3))
        {
            Assert.DoesNotContain(part, ex.Message);
        }
    }
}
