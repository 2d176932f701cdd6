using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox.Security;

namespace KubeSandbox.Tests.Security;

public sealed class TokenAuthenticatorTests : IDisposable
{
    private readonly SecurityTestBed _bed = new();

    public TokenAuthenticatorTests()
    {
        _bed.Store.AddServiceAccount("alpha", "runner");
    }

    public void Dispose() => _bed.Dispose();

    private string Token(JsonObject? spec = null) =>
        (string)_bed.RequestToken("alpha", "runner", spec ?? new JsonObject())["status"]!["token"]!;

    [Fact]
    public void ValidTokenYieldsTheServiceAccountUserWithItsThreeGroups()
    {
        var result = _bed.Review(Token());

        Assert.True(result.Authenticated);
        Assert.Null(result.Error);
        Assert.Equal("system:serviceaccount:alpha:runner", result.User!.Name);
        Assert.Equal((string)_bed.Store.Get("serviceaccounts", "alpha", "runner")!["metadata"]!["uid"]!, result.User.Uid);
        Assert.Equal(new[] { "system:serviceaccounts", "system:serviceaccounts:alpha", "system:authenticated" }, result.User.Groups);
        Assert.Empty(result.User.Extra);
        Assert.Equal(new[] { SecurityTestBed.Api }, result.Audiences);
    }

    [Fact]
    public void AdminTokenIsSystemMasters()
    {
        var result = _bed.Review(_bed.Services.Options.AdminToken);

        Assert.Equal("sandbox-admin", result.User!.Name);
        Assert.Equal(new[] { "system:masters", "system:authenticated" }, result.User.Groups);
        Assert.Equal(new[] { SecurityTestBed.Api }, _bed.Review(_bed.Services.Options.AdminToken, "vault", SecurityTestBed.Api).Audiences);
        Assert.Equal("invalid bearer token", _bed.Review(_bed.Services.Options.AdminToken, "vault").Error);
    }

    [Fact]
    public void PodBoundTokenCarriesPodExtraAndDiesWithThePod()
    {
        var pod = _bed.Store.AddPod("alpha", "doomed-pod", "runner");
        var token = Token(new JsonObject { ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "doomed-pod" } });

        var before = _bed.Review(token);
        Assert.Equal(new[] { "doomed-pod" }, before.User!.Extra["authentication.kubernetes.io/pod-name"]);
        Assert.Equal(new[] { (string)pod["metadata"]!["uid"]! }, before.User.Extra["authentication.kubernetes.io/pod-uid"]);

        _bed.Store.Delete("pods", "alpha", "doomed-pod");

        var after = _bed.Review(token);
        Assert.False(after.Authenticated);
        Assert.Equal("[invalid bearer token, service account token has been invalidated]", after.Error);
    }

    [Fact]
    public void PodBeingDeletedKeepsItsTokensForTheLeewayOnly()
    {
        _bed.Store.AddPod("alpha", "terminating", "runner");
        var token = Token(new JsonObject { ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "terminating" } });
        _bed.Store.Mutate("pods", "alpha", "terminating", p => p["metadata"]!["deletionTimestamp"] = "2026-03-01T12:00:00Z");

        Assert.True(_bed.Review(token).Authenticated);
        _bed.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("[invalid bearer token, service account token has been invalidated]", _bed.Review(token).Error);
    }

    [Fact]
    public void TokenBoundToADeletedSecretIsInvalidated()
    {
        _bed.Store.AddSecret("alpha", "bind-target");
        var token = Token(new JsonObject { ["boundObjectRef"] = new JsonObject { ["kind"] = "Secret", ["apiVersion"] = "v1", ["name"] = "bind-target" } });
        Assert.True(_bed.Review(token).Authenticated);

        _bed.Store.Delete("secrets", "alpha", "bind-target");

        Assert.Equal("[invalid bearer token, service account token has been invalidated]", _bed.Review(token).Error);
    }

    [Fact]
    public void ExpiredTokenIsRefusedOnTheSandboxClockAfterTheLeeway()
    {
        var token = Token(new JsonObject { ["expirationSeconds"] = 600 });

        _bed.Clock.Advance(TimeSpan.FromSeconds(600 + 59));
        Assert.True(_bed.Review(token).Authenticated); // go-jose's one-minute leeway

        _bed.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("[invalid bearer token, service account token has expired]", _bed.Review(token).Error);
    }

    [Fact]
    public void TokenFromTheFutureIsNotValidYet()
    {
        var token = Token();
        _bed.Clock.Advance(TimeSpan.FromMinutes(-5));

        Assert.Equal("[invalid bearer token, service account token is not valid yet]", _bed.Review(token).Error);
    }

    [Fact]
    public void WrongAudienceIsRefusedAndAudiencesIntersect()
    {
        var apiToken = Token();
        Assert.Equal("[invalid bearer token, token audiences [\"https://kubernetes.default.svc.cluster.local\"] is invalid for the target audiences [\"vault\"]]",
            _bed.Review(apiToken, "vault").Error);

        var vaultToken = Token(new JsonObject { ["audiences"] = new JsonArray("vault"), ["expirationSeconds"] = 600 });
        var mixed = _bed.Review(vaultToken, "other", "vault");
        Assert.Equal(new[] { "vault" }, mixed.Audiences);
        Assert.False(_bed.Review(vaultToken).Authenticated);
    }

    [Fact]
    public void SignatureFromAnotherKeyIsACryptoFailure()
    {
        using var otherKey = ServiceAccountSigningKey.Generate();
        var claims = SecurityTestBed.Decode(Token()).Claims;
        var forged = CompactJws.Sign(otherKey, claims);

        Assert.Equal("[invalid bearer token, square/go-jose: error in cryptographic primitive]", _bed.Review(forged).Error);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    public void TokenNotSignedWithRs256IsNotRecognised(string alg)
    {
        var claims = SecurityTestBed.Decode(Token()).Claims;
        var header = new JsonObject { ["alg"] = alg, ["kid"] = _bed.Services.SigningKey.KeyId };
        var unsigned = SecurityTestBed.Encode(header) + "." + SecurityTestBed.Encode(claims) + "." + (alg == "none" ? "" : Base64Url.Encode(Encoding.UTF8.GetBytes("mac")));

        var result = _bed.Review(unsigned);

        Assert.False(result.Authenticated);
        Assert.Equal("invalid bearer token", result.Error);
    }

    [Fact]
    public void GarbageAndForeignIssuersAreNotRecognised()
    {
        Assert.Equal("invalid bearer token", _bed.Review("not-a-jwt-just-garbage").Error);
        var claims = SecurityTestBed.Decode(Token()).Claims;
        claims["iss"] = "https://elsewhere";
        Assert.Equal("invalid bearer token", _bed.Review(CompactJws.Sign(_bed.Services.SigningKey, claims)).Error);
    }

    [Fact]
    public void DeletedServiceAccountInvalidatesItsTokens()
    {
        _bed.Store.AddServiceAccount("alpha", "ephemeral");
        var token = (string)_bed.RequestToken("alpha", "ephemeral", new JsonObject())["status"]!["token"]!;

        _bed.Store.Delete("serviceaccounts", "alpha", "ephemeral");

        Assert.Equal("[invalid bearer token, serviceaccounts \"ephemeral\" not found]", _bed.Review(token).Error);
    }

    [Fact]
    public void RecreatedServiceAccountDoesNotAcceptTheOldTokens()
    {
        var old = _bed.Store.AddServiceAccount("alpha", "ephemeral");
        var token = (string)_bed.RequestToken("alpha", "ephemeral", new JsonObject())["status"]!["token"]!;
        _bed.Store.Delete("serviceaccounts", "alpha", "ephemeral");
        var recreated = _bed.Store.AddServiceAccount("alpha", "ephemeral");

        Assert.Equal($"[invalid bearer token, service account UID ({recreated["metadata"]!["uid"]}) does not match claim ({old["metadata"]!["uid"]})]",
            _bed.Review(token).Error);
    }

    private string LegacyToken(string secretName)
    {
        _bed.Store.AddSecret("alpha", secretName, "kubernetes.io/service-account-token", "runner");
        var secret = _bed.Store.Get("secrets", "alpha", secretName)!;
        return Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["token"]!));
    }

    [Fact]
    public void LegacyTokenIsValidAndStampsLastUsedOncePerDay()
    {
        var token = LegacyToken("runner-legacy");

        var result = _bed.Review(token);
        Assert.True(result.Authenticated);
        Assert.Equal("system:serviceaccount:alpha:runner", result.User!.Name);
        Assert.Equal(new[] { SecurityTestBed.Api }, result.Audiences);
        var stamped = _bed.Store.Get("secrets", "alpha", "runner-legacy")!;
        Assert.Equal("2026-03-01", (string)stamped["metadata"]!["labels"]!["kubernetes.io/legacy-token-last-used"]!);
        var rv = (string)stamped["metadata"]!["resourceVersion"]!;

        _bed.Review(token);
        Assert.Equal(rv, (string)_bed.Store.Get("secrets", "alpha", "runner-legacy")!["metadata"]!["resourceVersion"]!);

        _bed.Clock.Advance(TimeSpan.FromDays(2));
        _bed.Review(token);
        Assert.Equal("2026-03-03", (string)_bed.Store.Get("secrets", "alpha", "runner-legacy")!["metadata"]!["labels"]!["kubernetes.io/legacy-token-last-used"]!);
    }

    [Fact]
    public void LegacyTokenWhoseSecretIsDeletedIsInvalidated()
    {
        var token = LegacyToken("runner-legacy-2");
        _bed.Store.Delete("secrets", "alpha", "runner-legacy-2");

        Assert.Equal("[invalid bearer token, Token has been invalidated]", _bed.Review(token).Error);
    }

    [Fact]
    public void LegacyTokenMarkedInvalidSinceIsRefused()
    {
        var token = LegacyToken("runner-legacy-3");
        _bed.Store.Mutate("secrets", "alpha", "runner-legacy-3", s =>
            s["metadata"]!["labels"] = new JsonObject { ["kubernetes.io/legacy-token-invalid-since"] = "2026-02-01" });

        var result = _bed.Review(token);

        Assert.False(result.Authenticated);
        Assert.Equal("[invalid bearer token, the token in secret alpha/runner-legacy-3 for service account alpha/runner has been marked invalid. " +
                     "Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token]",
            result.Error);
    }

    [Fact]
    public void LegacyTokenIsRefusedWhenItsAudienceIsNotTheApi()
    {
        var token = LegacyToken("runner-legacy-4");

        Assert.StartsWith("[invalid bearer token, token audiences [\"https://kubernetes.default.svc.cluster.local\"] is invalid", _bed.Review(token, "vault").Error);
    }
}
