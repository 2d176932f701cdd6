using System.Security.Cryptography;
using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Security;

namespace KubeSandbox.Tests.Security;

public sealed class TokenRequestTests : IDisposable
{
    private readonly SecurityTestBed _bed = new();

    public TokenRequestTests()
    {
        _bed.Store.AddServiceAccount("alpha", "runner");
        _bed.Store.AddServiceAccount("alpha", "other");
    }

    public void Dispose() => _bed.Dispose();

    [Fact]
    public void DefaultRequestIsAnHourForTheApiAudienceWithTheRecordedClaims()
    {
        var response = _bed.RequestToken("alpha", "runner", new JsonObject());

        Assert.Equal(3600, (long)response["spec"]!["expirationSeconds"]!);
        Assert.Equal(SecurityTestBed.Api, (string)response["spec"]!["audiences"]![0]!);
        Assert.Null(response["spec"]!["boundObjectRef"]);
        Assert.True(response["spec"]!.AsObject().ContainsKey("boundObjectRef"));
        Assert.Equal("2026-03-01T13:00:00Z", (string)response["status"]!["expirationTimestamp"]!);

        var (header, claims) = SecurityTestBed.Decode((string)response["status"]!["token"]!);
        Assert.Equal(new[] { "alg", "kid" }, header.Select(p => p.Key).ToArray());
        Assert.Equal("RS256", (string)header["alg"]!);
        // kid = base64url(SHA-256(DER SubjectPublicKeyInfo)), as record token-claims derives it.
        var spki = _bed.Services.SigningKey.ToJwk();
        using var rsa = RSA.Create(new RSAParameters { Modulus = Base64Url.TryDecode((string)spki["n"]!), Exponent = Base64Url.TryDecode((string)spki["e"]!) });
        Assert.Equal(Base64Url.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo())), (string)header["kid"]!);

        Assert.Equal(new[] { "aud", "exp", "iat", "iss", "kubernetes.io", "nbf", "sub" }, claims.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToArray());
        Assert.Equal(SecurityTestBed.Api, (string)claims["iss"]!);
        Assert.Equal("system:serviceaccount:alpha:runner", (string)claims["sub"]!);
        Assert.Equal(3600, (long)claims["exp"]! - (long)claims["iat"]!);
        Assert.Equal((long)claims["iat"]!, (long)claims["nbf"]!);
        Assert.IsType<JsonArray>(claims["aud"]);
        var kio = claims["kubernetes.io"]!.AsObject();
        Assert.Equal(new[] { "namespace", "serviceaccount" }, kio.Select(p => p.Key).ToArray());
        Assert.Equal("runner", (string)kio["serviceaccount"]!["name"]!);
        Assert.Equal((string)_bed.Store.Get("serviceaccounts", "alpha", "runner")!["metadata"]!["uid"]!, (string)kio["serviceaccount"]!["uid"]!);
    }

    [Fact]
    public void NineMinutesIsInvalidWithTheRecordedMessageAndAnEmptyName()
    {
        var e = Assert.Throws<ApiException>(() => _bed.RequestToken("alpha", "runner", new JsonObject { ["expirationSeconds"] = 540 }));

        Assert.Equal(422, e.Code);
        Assert.Equal("Invalid", e.Reason);
        Assert.Equal("TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 540: may not specify a duration less than 10 minutes", e.Message);
        Assert.False(e.Details!.ContainsKey("name"));
        Assert.Equal("spec.expirationSeconds", (string)e.Details["causes"]![0]!["field"]!);
    }

    [Fact]
    public void ConfiguredMaximumCapsTheLifetimeSilently()
    {
        using var bed = new SecurityTestBed(new SecurityOptions { MaxTokenExpirationSeconds = 7200 });
        bed.Store.AddServiceAccount("alpha", "runner");

        var response = bed.RequestToken("alpha", "runner", new JsonObject { ["expirationSeconds"] = 86400 });

        Assert.Equal(7200, (long)response["spec"]!["expirationSeconds"]!);
        var (_, claims) = SecurityTestBed.Decode((string)response["status"]!["token"]!);
        Assert.Equal(7200, (long)claims["exp"]! - (long)claims["iat"]!);
    }

    [Fact]
    public void PodBound3607ApiAudienceTokenIsExtendedWithWarnAfter()
    {
        _bed.Store.AddPod("alpha", "runner-pod", "runner");

        var response = _bed.RequestToken("alpha", "runner", new JsonObject
        {
            ["expirationSeconds"] = 3607,
            ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "runner-pod" },
        });

        var (_, claims) = SecurityTestBed.Decode((string)response["status"]!["token"]!);
        var iat = (long)claims["iat"]!;
        Assert.Equal(31536000, (long)claims["exp"]! - iat);
        Assert.Equal(3607, (long)claims["kubernetes.io"]!["warnafter"]! - iat);
        Assert.Equal("runner-pod", (string)claims["kubernetes.io"]!["pod"]!["name"]!);
        Assert.Equal("2026-03-01T13:00:07Z", (string)response["status"]!["expirationTimestamp"]!);

        var vault = _bed.RequestToken("alpha", "runner", new JsonObject
        {
            ["expirationSeconds"] = 3607,
            ["audiences"] = new JsonArray("vault"),
            ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "runner-pod" },
        });
        var (_, vaultClaims) = SecurityTestBed.Decode((string)vault["status"]!["token"]!);
        Assert.Equal(3607, (long)vaultClaims["exp"]! - (long)vaultClaims["iat"]!);
        Assert.Null(vaultClaims["kubernetes.io"]!["warnafter"]);
    }

    [Fact]
    public void BoundObjectRefusalsAnswerAsTheRecordedServer()
    {
        var otherPod = _bed.Store.AddPod("alpha", "other-pod", "other");
        _bed.Store.AddPod("alpha", "runner-pod", "runner");

        ApiException Refused(JsonObject boundRef) => Assert.Throws<ApiException>(() =>
            _bed.RequestToken("alpha", "runner", new JsonObject { ["boundObjectRef"] = boundRef }));

        var otherSa = Refused(new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "other-pod", ["uid"] = (string)otherPod["metadata"]!["uid"]! });
        Assert.Equal((400, "cannot bind token for serviceaccount \"runner\" to pod running with different serviceaccount name."), (otherSa.Code, otherSa.Message));

        var wrongUid = Refused(new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "runner-pod", ["uid"] = "00000000-0000-0000-0000-000000000000" });
        Assert.Equal(409, wrongUid.Code);
        Assert.Equal("Operation cannot be fulfilled on Pod \"runner-pod\": the UID in the bound object reference (00000000-0000-0000-0000-000000000000) does not match the UID in record. The object might have been deleted and then recreated", wrongUid.Message);
        Assert.Equal("Pod", (string)wrongUid.Details!["kind"]!);

        var missing = Refused(new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "no-such-pod" });
        Assert.Equal((404, "pods \"no-such-pod\" not found"), (missing.Code, missing.Message));

        var configMap = Refused(new JsonObject { ["kind"] = "ConfigMap", ["apiVersion"] = "v1", ["name"] = "kube-root-ca.crt" });
        Assert.Equal((400, "cannot bind token to object of type /v1, Kind=ConfigMap"), (configMap.Code, configMap.Message));

        var appsPod = Refused(new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "apps/v1", ["name"] = "runner-pod" });
        Assert.Equal("cannot bind token to object of type apps/v1, Kind=Pod", appsPod.Message);
    }

    [Fact]
    public void MissingServiceAccountAndWrongBodyKindAreRefused()
    {
        var missing = Assert.Throws<ApiException>(() => _bed.RequestToken("alpha", "no-such-sa", new JsonObject()));
        Assert.Equal((404, "serviceaccounts \"no-such-sa\" not found"), (missing.Code, missing.Message));

        var wrongKind = Assert.Throws<ApiException>(() => _bed.Services.TokenRequests.Create(SecurityTestBed.Admin("alpha", "runner"),
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap" }));
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a TokenRequest: converting (v1.ConfigMap) to (authentication.TokenRequest): unknown conversion", wrongKind.Message);
    }

    [Fact]
    public void FieldsOfTheWrongTypeFailTheTypedDecode()
    {
        var e = Assert.Throws<ApiException>(() => _bed.RequestToken("alpha", "runner", new JsonObject { ["expirationSeconds"] = "600" }));
        Assert.Equal((400, "TokenRequest in version \"v1\" cannot be handled as a TokenRequest: json: cannot unmarshal string into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64"),
            (e.Code, e.Message));

        var audience = Assert.Throws<ApiException>(() => _bed.RequestToken("alpha", "runner", new JsonObject { ["audiences"] = "vault" }));
        Assert.EndsWith("cannot unmarshal string into Go struct field TokenRequestSpec.spec.audiences of type []string", audience.Message);

        var fraction = Assert.Throws<ApiException>(() => _bed.RequestToken("alpha", "runner", new JsonObject { ["expirationSeconds"] = 600.5 }));
        Assert.Contains("cannot unmarshal number 600.5 into Go struct field", fraction.Message);
    }

    [Fact]
    public void SecretBoundTokenCarriesTheSecretClaim()
    {
        var secret = _bed.Store.AddSecret("alpha", "bind-target");

        var response = _bed.RequestToken("alpha", "runner", new JsonObject
        {
            ["boundObjectRef"] = new JsonObject { ["kind"] = "Secret", ["apiVersion"] = "v1", ["name"] = "bind-target" },
        });

        var (_, claims) = SecurityTestBed.Decode((string)response["status"]!["token"]!);
        Assert.Equal((string)secret["metadata"]!["uid"]!, (string)claims["kubernetes.io"]!["secret"]!["uid"]!);
        Assert.Equal(new JsonObject { ["kind"] = "Secret", ["apiVersion"] = "v1", ["name"] = "bind-target" }.ToJsonString(),
            response["spec"]!["boundObjectRef"]!.ToJsonString());
    }
}
