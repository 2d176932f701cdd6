using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox.Security;

namespace KubeSandbox.Tests.Security;

/// <summary>One bootstrap sandbox shared by the tests of <see cref="SecurityOverHttpTests"/> (each test uses
/// objects of its own; moving the clock only ages tokens minted before).</summary>
public sealed class BootstrapSandboxFixture : IAsyncLifetime
{
    public SandboxServer Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bootstrap" });

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

/// <summary>The security side through the sandbox's HTTP pipeline: what a client holding a token sees.</summary>
public sealed class SecurityOverHttpTests : IClassFixture<BootstrapSandboxFixture>, IDisposable
{
    private readonly SandboxServer _sandbox;
    private readonly HttpClient _admin;

    public SecurityOverHttpTests(BootstrapSandboxFixture fixture)
    {
        _sandbox = fixture.Sandbox;
        _admin = _sandbox.CreateClient();
    }

    public void Dispose() => _admin.Dispose();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<(HttpStatusCode Status, JsonNode? Body)> Send(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = Json(json);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        try { body = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { }
        return (response.StatusCode, body);
    }

    private async Task<HttpStatusCode> StatusAs(string token, string path = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
    {
        using var client = _sandbox.CreateClient(token);
        return (await Send(client, HttpMethod.Post, path, "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\",\"spec\":{\"namespace\":\"default\"}}")).Status;
    }

    private async Task<string> ReviewError(string token)
    {
        var (_, body) = await Send(_admin, HttpMethod.Post, "/apis/authentication.k8s.io/v1/tokenreviews",
            new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = new JsonObject { ["token"] = token } }.ToJsonString());
        return (string?)body!["status"]!["error"] ?? "";
    }

    private async Task CreateServiceAccount(string name) =>
        Assert.Equal(HttpStatusCode.Created, (await Send(_admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts",
            $"{{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{{\"name\":\"{name}\"}}}}")).Status);

    [Fact]
    public async Task ServiceAccountTokenAuthenticatesUntilItsPodIsDeleted()
    {
        var (status, pod) = await Send(_admin, HttpMethod.Post, "/api/v1/namespaces/default/pods",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"doomed\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}");
        Assert.Equal(HttpStatusCode.Created, status);
        var token = await _sandbox.CreateTokenAsync("default", "default", boundPodName: "doomed", boundPodUid: (string)pod!["metadata"]!["uid"]!);
        Assert.Equal(HttpStatusCode.Created, await StatusAs(token));

        Assert.Equal(HttpStatusCode.OK, (await Send(_admin, HttpMethod.Delete, "/api/v1/namespaces/default/pods/doomed")).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAs(token));
        Assert.Equal("[invalid bearer token, service account token has been invalidated]", await ReviewError(token));
    }

    [Fact]
    public async Task TokenExpiresOnTheSandboxClock()
    {
        var token = await _sandbox.CreateTokenAsync("default", "default", expirationSeconds: 600);
        Assert.Equal(HttpStatusCode.Created, await StatusAs(token));

        _sandbox.Clock.Advance(TimeSpan.FromMinutes(12));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAs(token));
        Assert.Equal("[invalid bearer token, service account token has expired]", await ReviewError(token));
    }

    [Fact]
    public async Task TokenForAnotherAudienceIsNotAcceptedByTheApi()
    {
        var token = await _sandbox.CreateTokenAsync("default", "default", audiences: new[] { "vault" });

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAs(token));
    }

    [Fact]
    public async Task ForgedAndUnsignedTokensAreUnauthorized()
    {
        var genuine = await _sandbox.CreateTokenAsync("default", "default");
        var claims = (JsonObject)JsonNode.Parse(Base64Url.TryDecode(genuine.Split('.')[1])!)!;
        using var otherKey = ServiceAccountSigningKey.Generate();
        var forged = CompactJws.Sign(otherKey, claims);
        var unsigned = Base64Url.Encode("{\"alg\":\"none\"}"u8) + "." + genuine.Split('.')[1] + ".";

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAs(forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAs(unsigned));
        using var client = _sandbox.CreateClient(forged);
        var (_, body) = await Send(client, HttpMethod.Get, "/version");
        Assert.Equal("Unauthorized", (string)body!["message"]!);
    }

    [Fact]
    public async Task NineMinuteTokenRequestIsInvalid()
    {
        var (status, body) = await Send(_admin, HttpMethod.Post, "/api/v1/namespaces/default/serviceaccounts/default/token",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"expirationSeconds\":540}}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: Invalid value: 540: may not specify a duration less than 10 minutes",
            (string)body!["message"]!);
    }

    [Fact]
    public async Task DeletedOrRecreatedServiceAccountInvalidatesItsTokens()
    {
        await CreateServiceAccount("ephemeral");
        var token = await _sandbox.CreateTokenAsync("default", "ephemeral");
        Assert.Equal(HttpStatusCode.Created, await StatusAs(token));

        Assert.Equal(HttpStatusCode.OK, (await Send(_admin, HttpMethod.Delete, "/api/v1/namespaces/default/serviceaccounts/ephemeral")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAs(token));
        Assert.Equal("[invalid bearer token, serviceaccounts \"ephemeral\" not found]", await ReviewError(token));

        await CreateServiceAccount("ephemeral");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAs(token));
        Assert.StartsWith("[invalid bearer token, service account UID (", await ReviewError(token));
    }

    [Fact]
    public async Task LegacyTokenWorksUntilMarkedInvalidSince()
    {
        Assert.Equal(HttpStatusCode.Created, (await Send(_admin, HttpMethod.Post, "/api/v1/namespaces/default/secrets",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"kubernetes.io/service-account-token\",\"metadata\":{\"name\":\"legacy\",\"annotations\":{\"kubernetes.io/service-account.name\":\"default\"}}}")).Status);
        JsonNode? secret = null;
        for (var i = 0; i < 50 && secret?["data"]?["token"] is null; i++)
        {
            secret = (await Send(_admin, HttpMethod.Get, "/api/v1/namespaces/default/secrets/legacy")).Body;
            if (secret?["data"]?["token"] is null) await Task.Delay(100);
        }
        var token = Encoding.UTF8.GetString(Convert.FromBase64String((string)secret!["data"]!["token"]!));

        Assert.Equal(HttpStatusCode.Created, await StatusAs(token));
        var stamped = (await Send(_admin, HttpMethod.Get, "/api/v1/namespaces/default/secrets/legacy")).Body!;
        Assert.Equal(_sandbox.Clock.UtcNow.UtcDateTime.ToString("yyyy-MM-dd"), (string)stamped["metadata"]!["labels"]!["kubernetes.io/legacy-token-last-used"]!);

        Assert.Equal(HttpStatusCode.OK, await Patch("/api/v1/namespaces/default/secrets/legacy",
            "{\"metadata\":{\"labels\":{\"kubernetes.io/legacy-token-invalid-since\":\"2024-01-01\"}}}"));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAs(token));
        Assert.Contains("has been marked invalid", await ReviewError(token));
    }

    private async Task<HttpStatusCode> Patch(string path, string mergePatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path)
        {
            Content = new StringContent(mergePatch, Encoding.UTF8, "application/merge-patch+json"),
        };
        using var response = await _admin.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task WhoAmIAnswersForTheServiceAccount()
    {
        var token = await _sandbox.CreateTokenAsync("default", "default");
        using var client = _sandbox.CreateClient(token);

        var (status, body) = await Send(client, HttpMethod.Post, "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("system:serviceaccount:default:default", (string)body!["status"]!["userInfo"]!["username"]!);
    }

    [Fact]
    public async Task OidcDiscoveryIsForServiceAccountsNotAnonymous()
    {
        var token = await _sandbox.CreateTokenAsync("default", "default");
        using var sa = _sandbox.CreateClient(token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openid/v1/jwks");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/jwk-set+json"));
        using var response = await sa.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType!.MediaType);
        var jwks = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal((string)JsonNode.Parse(Base64Url.TryDecode(token.Split('.')[0])!)!["kid"]!, (string)jwks["keys"]![0]!["kid"]!);

        using var jsonOnly = new HttpRequestMessage(HttpMethod.Get, "/openid/v1/jwks");
        jsonOnly.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        Assert.Equal(HttpStatusCode.NotAcceptable, (await sa.SendAsync(jsonOnly)).StatusCode);

        using var anonymous = _sandbox.CreateClient("");
        var (status, body) = await Send(anonymous, HttpMethod.Get, "/openid/v1/jwks");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden: User \"system:anonymous\" cannot get path \"/openid/v1/jwks\"", (string)body!["message"]!);
    }

    [Fact]
    public async Task AdminCanImpersonateAServiceAccountButTheServiceAccountCannotImpersonate()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        {
            Content = Json("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\",\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"get\",\"resource\":\"secrets\"}}}"),
        };
        request.Headers.Add("Impersonate-User", "system:serviceaccount:default:default");
        using var response = await _admin.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False((bool)body["status"]!["allowed"]!);

        var token = await _sandbox.CreateTokenAsync("default", "default");
        using var sa = _sandbox.CreateClient(token);
        using var attempt = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces");
        attempt.Headers.Add("Impersonate-User", "sandbox-admin");
        Assert.Equal(HttpStatusCode.Forbidden, (await sa.SendAsync(attempt)).StatusCode);
    }
}
