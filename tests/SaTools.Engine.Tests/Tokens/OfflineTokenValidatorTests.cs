using System.Text.Json.Nodes;
using SaTools.Engine.Tokens;

namespace SaTools.Engine.Tests.Tokens;

public sealed class OfflineTokenValidatorTests : IDisposable
{
    private readonly TestSigner cluster = TestSigner.Rsa("cluster-key");
    private readonly TestSigner attacker = TestSigner.Rsa("cluster-key");
    private readonly FixedClock clock = new(TestClaims.Now.AddMinutes(5));

    public void Dispose()
    {
        cluster.Dispose();
        attacker.Dispose();
    }

    private OfflineTokenValidator Validator(string? issuer = TestSigner.Issuer, params TestSigner[] keys) =>
        new(IssuerSigningKeys.FromJwks(TestSigner.Jwks(keys.Length > 0 ? keys : new[] { cluster }), issuer, "test-jwks"), clock);

    private Task<OfflineValidationResult> Validate(string token, params string[] audiences) =>
        Validator().ValidateAsync(token, audiences);

    [Fact]
    public async Task AValidTokenAuthenticatesAsItsServiceAccount()
    {
        var result = await Validate(cluster.Sign(TestClaims.ServiceAccount(jti: "j-1", pod: new JsonObject { ["name"] = "runner-pod", ["uid"] = "p-1" })));

        Assert.True(result.Valid, result.Error);
        Assert.Equal(OfflineValidationFailure.None, result.Failure);
        Assert.Null(result.Error);
        Assert.Equal(new[] { TestSigner.Issuer }, result.Audiences);
        Assert.Equal("system:serviceaccount:alpha:runner", result.Token.ServiceAccountUserName);
        Assert.Contains(result.Limitations, l => l.Contains("ServiceAccount still exists"));
        Assert.Contains(result.Limitations, l => l.Contains("bound Pod 'runner-pod' still exists with uid p-1"));

        var outcome = TokenReviewOutcome.FromOffline(result, null);
        Assert.Equal(TokenCheckMethod.Offline, outcome.Method);
        Assert.True(outcome.Authenticated);
        Assert.Equal("system:serviceaccount:alpha:runner", outcome.UserName);
        Assert.Equal(new[] { "system:serviceaccounts", "system:serviceaccounts:alpha", "system:authenticated" }, outcome.Groups);
        Assert.Equal("runner-pod", outcome.PodName);
        Assert.Equal("p-1", outcome.PodUid);
        Assert.Equal("JTI=j-1", outcome.CredentialId);
    }

    [Fact]
    public async Task AnEs256TokenIsAccepted()
    {
        using var ec = TestSigner.Ec();
        var validator = Validator(TestSigner.Issuer, cluster, ec);

        var result = await validator.ValidateAsync(ec.Sign(TestClaims.ServiceAccount()), null);

        Assert.True(result.Valid, result.Error);
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    public async Task EcTokensOfEachCurveAreAcceptedAsKubeApiserverSignsThem(string algorithm)
    {
        using var ec = TestSigner.Ec(algorithm, "ec-" + algorithm);
        var validator = Validator(TestSigner.Issuer, cluster, ec);

        var result = await validator.ValidateAsync(ec.Sign(TestClaims.ServiceAccount(jti: "j-" + algorithm)), null);

        Assert.True(result.Valid, result.Error);
        Assert.Equal(algorithm, result.Token.Algorithm);
        Assert.Equal("JTI=j-" + algorithm, TokenReviewOutcome.FromOffline(result, null).CredentialId);
    }

    [Fact]
    public async Task AnEcTokenIsCheckedOnlyAgainstKeysOfItsCurve()
    {
        // An ES384 header on a token signed with SHA-384 over a P-256 key: go-jose refuses the key size for the
        // algorithm, and so does the validator, even though the kid names a key of the JWKS.
        using var p256 = TestSigner.Ec("ES256", "shared-kid");
        var validator = Validator(TestSigner.Issuer, p256);

        var result = await validator.ValidateAsync(p256.Sign(TestClaims.ServiceAccount(), alg: "ES384"), null);

        Assert.Equal(OfflineValidationFailure.SignatureInvalid, result.Failure);
        Assert.Contains("has no key for ES384", result.Error);
    }

    [Fact]
    public async Task AnEs512TokenFromAnotherP521KeyIsRefused()
    {
        using var ours = TestSigner.Ec("ES512", "p521");
        using var theirs = TestSigner.Ec("ES512", "p521");

        var result = await Validator(TestSigner.Issuer, ours).ValidateAsync(theirs.Sign(TestClaims.ServiceAccount()), null);

        Assert.Equal(OfflineValidationFailure.SignatureInvalid, result.Failure);
        Assert.Contains("forged, altered, or issued by another cluster", result.Error);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefusedButTheMinuteOfLeewayIsHonoured()
    {
        var token = cluster.Sign(TestClaims.ServiceAccount(lifetime: TimeSpan.FromMinutes(10)));

        clock.Now = TestClaims.Now.AddMinutes(10).AddSeconds(30);
        Assert.True((await Validate(token)).Valid);

        clock.Now = TestClaims.Now.AddMinutes(12);
        var result = await Validate(token);
        Assert.Equal(OfflineValidationFailure.Expired, result.Failure);
        Assert.Contains("expired at 2026-11-23 04:10:00Z", result.Error);
        Assert.False(TokenReviewOutcome.FromOffline(result, null).Authenticated);
        Assert.Null(TokenReviewOutcome.FromOffline(result, null).UserName);
    }

    [Fact]
    public async Task ATokenNotYetValidIsRefused()
    {
        var claims = TestClaims.ServiceAccount();
        claims["nbf"] = TestClaims.Now.AddMinutes(30).ToUnixTimeSeconds();

        var result = await Validate(cluster.Sign(claims));

        Assert.Equal(OfflineValidationFailure.NotYetValid, result.Failure);
        Assert.Contains("not valid before", result.Error);
    }

    [Fact]
    public async Task ATokenIssuedInTheFutureIsRefused()
    {
        var result = await Validate(cluster.Sign(TestClaims.ServiceAccount(iat: TestClaims.Now.AddHours(2))));

        Assert.Equal(OfflineValidationFailure.NotYetValid, result.Failure);
    }

    [Fact]
    public async Task AudiencesAreIntersectedAsTokenReviewDoes()
    {
        var token = cluster.Sign(TestClaims.ServiceAccount(aud: new[] { "vault", "ci" }));

        var wrong = await Validate(token);
        Assert.Equal(OfflineValidationFailure.AudienceInvalid, wrong.Failure);
        Assert.Equal("token audiences [\"vault\",\"ci\"] is invalid for the target audiences [\"https://kubernetes.default.svc.cluster.local\"].", wrong.Error);

        var mixed = await Validate(token, "other", "vault");
        Assert.True(mixed.Valid);
        Assert.Equal(new[] { "vault" }, mixed.Audiences);

        Assert.Equal(OfflineValidationFailure.AudienceInvalid, (await Validate(token, "other")).Failure);
    }

    [Fact]
    public async Task AWrongIssuerIsRefused()
    {
        var result = await Validate(cluster.Sign(TestClaims.ServiceAccount(issuer: "https://elsewhere.example")));

        Assert.Equal(OfflineValidationFailure.IssuerInvalid, result.Failure);
        Assert.Contains("'https://elsewhere.example'", result.Error);
    }

    [Fact]
    public async Task AForgedSignatureFromAnotherKeyWithTheSameKidIsRefused()
    {
        var result = await Validate(attacker.Sign(TestClaims.ServiceAccount()));

        Assert.Equal(OfflineValidationFailure.SignatureInvalid, result.Failure);
        Assert.Contains("forged, altered, or issued by another cluster", result.Error);
    }

    [Fact]
    public async Task AForgedSignatureWithAnUnknownKidIsRefused()
    {
        using var other = TestSigner.Rsa("unknown-kid");

        Assert.Equal(OfflineValidationFailure.SignatureInvalid, (await Validate(other.Sign(TestClaims.ServiceAccount()))).Failure);
    }

    [Fact]
    public async Task ATamperedPayloadIsRefused()
    {
        var genuine = cluster.Sign(TestClaims.ServiceAccount(name: "runner"));
        var tampered = TestSigner.WithPayload(genuine, TestClaims.ServiceAccount(name: "cluster-admin-sa"));

        Assert.True((await Validate(genuine)).Valid);
        var result = await Validate(tampered);
        Assert.Equal(OfflineValidationFailure.SignatureInvalid, result.Failure);
        Assert.Equal("cluster-admin-sa", result.Token.ServiceAccountName);
    }

    [Fact]
    public async Task AnUnsignedTokenIsRefused()
    {
        var result = await Validate(TestSigner.Unsigned(TestClaims.ServiceAccount()));

        Assert.Equal(OfflineValidationFailure.AlgorithmRefused, result.Failure);
        Assert.Contains("alg: none", result.Error);
    }

    [Fact]
    public async Task AnHs256TokenKeyedWithThePublicKeyIsRefused()
    {
        var result = await Validate(cluster.SignHs256WithPublicKey(TestClaims.ServiceAccount()));

        Assert.Equal(OfflineValidationFailure.AlgorithmRefused, result.Failure);
        Assert.Contains("symmetric algorithm HS256", result.Error);
    }

    [Theory]
    [InlineData("HS384")]
    [InlineData("HS512")]
    [InlineData("NONE")]
    public async Task SymmetricAndUnsignedAlgorithmsAreRefusedNextToEcKeys(string algorithm)
    {
        using var ec = TestSigner.Ec("ES384", "ec-384");

        var result = await Validator(TestSigner.Issuer, ec).ValidateAsync(ec.Sign(TestClaims.ServiceAccount(), alg: algorithm), null);

        Assert.Equal(OfflineValidationFailure.AlgorithmRefused, result.Failure);
        Assert.Contains(algorithm.StartsWith("HS") ? "symmetric algorithm " + algorithm : "alg: none", result.Error);
    }

    [Fact]
    public async Task OtherAsymmetricAlgorithmsAreRefused()
    {
        var result = await Validate(cluster.Sign(TestClaims.ServiceAccount(), alg: "RS512"));

        Assert.Equal(OfflineValidationFailure.AlgorithmRefused, result.Failure);
        Assert.Contains("only RS256, ES256, ES384 and ES512 signatures are accepted", result.Error);
    }

    [Fact]
    public async Task ALegacyTokenIsValidForTheApiAudienceAndSaysWhatCannotBeKnown()
    {
        var token = cluster.Sign(TestClaims.Legacy());

        var result = await Validate(token);
        Assert.True(result.Valid, result.Error);
        Assert.True(result.Token.IsLegacy);
        Assert.Equal(new[] { TestSigner.Issuer }, result.Audiences);
        Assert.Contains(result.Limitations, l => l.Contains("Secret 'runner-legacy'") && l.Contains("kubernetes.io/legacy-token-invalid-since"));

        Assert.Equal(OfflineValidationFailure.AudienceInvalid, (await Validate(token, "vault")).Failure);
    }

    [Fact]
    public async Task ATokenWithoutAudienceIsValidForTheApiServerAudienceOnly()
    {
        var claims = TestClaims.ServiceAccount();
        claims.Remove("aud");
        var token = cluster.Sign(claims);

        Assert.True((await Validate(token)).Valid);
        Assert.Equal(OfflineValidationFailure.AudienceInvalid, (await Validate(token, "vault")).Failure);
    }

    [Fact]
    public async Task ACurrentTokenWithoutExpiryIsRefused()
    {
        var claims = TestClaims.ServiceAccount();
        claims.Remove("exp");

        Assert.Equal(OfflineValidationFailure.NoExpiration, (await Validate(cluster.Sign(claims))).Failure);
    }

    [Fact]
    public async Task WithoutAnIssuerTheIssuerAndDefaultAudienceAreReportedAsUnchecked()
    {
        var validator = Validator(issuer: null);

        var result = await validator.ValidateAsync(cluster.Sign(TestClaims.ServiceAccount(issuer: "https://anything.example", aud: new[] { "x" })), null);

        Assert.True(result.Valid, result.Error);
        Assert.Contains(result.Limitations, l => l.StartsWith("The issuer was not checked"));
        Assert.Contains(result.Limitations, l => l.StartsWith("The audience was not checked"));
        Assert.Equal(OfflineValidationFailure.SignatureInvalid,
            (await validator.ValidateAsync(attacker.Sign(TestClaims.ServiceAccount()), null)).Failure);
    }

    [Fact]
    public async Task MalformedTokensAreExceptionsNotResults()
    {
        await Assert.ThrowsAsync<MalformedTokenException>(() => Validate("not-a-jwt-just-garbage"));
    }

    [Fact]
    public void AJwksWithOnlySymmetricKeysIsUnusable()
    {
        var jwks = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k\",\"k\":\"c2VjcmV0\"}]}";

        var ex = Assert.Throws<TokenValidationSetupException>(() => IssuerSigningKeys.FromJwks(jwks, TestSigner.Issuer, "file.json"));
        Assert.Contains("no RSA or EC signing key", ex.Message);
        Assert.Throws<TokenValidationSetupException>(() => IssuerSigningKeys.FromJwks("not json", null, "file.json"));
    }

    [Fact]
    public void SymmetricKeysNextToRealOnesAreIgnored()
    {
        var jwks = JsonNode.Parse(TestSigner.Jwks(cluster))!.AsObject();
        jwks["keys"]!.AsArray().Add(new JsonObject { ["kty"] = "oct", ["kid"] = "k", ["k"] = "c2VjcmV0" });

        var keys = IssuerSigningKeys.FromJwks(jwks.ToJsonString(), TestSigner.Issuer, "file.json");

        Assert.Equal(new[] { "cluster-key" }, keys.KeyIds);
        Assert.Equal(1, keys.IgnoredKeyCount);
    }

    [Fact]
    public void DiscoveryDocumentsAreReadAsKubeApiserverServesThem()
    {
        var doc = OidcDiscoveryDocument.Parse(
            "{\"issuer\":\"https://kubernetes.default.svc.cluster.local\",\"jwks_uri\":\"https://127.0.0.1:16443/openid/v1/jwks\",\"response_types_supported\":[\"id_token\"],\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}",
            "server");

        Assert.Equal(TestSigner.Issuer, doc.Issuer);
        Assert.Equal("https://127.0.0.1:16443/openid/v1/jwks", doc.JwksUri);
        Assert.Equal(new[] { "RS256" }, doc.SigningAlgorithms);
        Assert.Equal("https://issuer.example/tenant/.well-known/openid-configuration",
            OidcDiscoveryDocument.DiscoveryUrlFor(new Uri("https://issuer.example/tenant/")).ToString());
        Assert.Throws<TokenValidationSetupException>(() => OidcDiscoveryDocument.Parse("{\"issuer\":\"x\"}", "server"));
        Assert.Throws<TokenValidationSetupException>(() => OidcDiscoveryDocument.Parse("<html>", "server"));
    }
}
