using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox.Security;

namespace KubeSandbox.Tests;

/// <summary>The demo estate answering as Kubernetes 1.33 and signing with an ECDSA P-384 key.</summary>
public sealed class DemoSandbox133Es384 : BootstrapSandbox
{
    protected override SandboxOptions Options => new() { Scenario = "demo", KubernetesVersion = "1.33", SigningAlgorithm = "ES384" };
}

/// <summary>
/// What 1.33 does differently from the recorded 1.26 (KubernetesRelease), over HTTP: jti and credential id, node
/// claims of pod-bound tokens, Node-bound tokens, discovery, nodes and scheduled pods, the control plane's
/// ServiceAccounts and the 1.33 default policy; and an ES384 signing key behind the same OIDC documents.
/// </summary>
public sealed class ReleaseTests(DemoSandbox133Es384 fx) : IClassFixture<DemoSandbox133Es384>
{
    private SandboxServer Server => fx.Server;
    private HttpClient Client => fx.Client;

    private static (JsonObject Header, JsonObject Claims) Decode(string jwt) => Security.SecurityTestBed.Decode(jwt);

    private async Task<JsonObject> Review(string token)
    {
        var r = await Client.PostAsync2("/apis/authentication.k8s.io/v1/tokenreviews",
            Api.Obj($"{{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{{\"token\":\"{token}\"}}}}"));
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        return r.Object["status"]!.AsObject();
    }

    [Fact]
    public async Task A_minted_token_is_ES384_signed_with_a_jti_that_the_TokenReview_reports_as_the_credential_id()
    {
        var token = await Server.CreateTokenAsync("shop", "frontend");
        var (header, claims) = Decode(token);
        Assert.Equal("ES384", header["alg"]!.GetValue<string>());
        Assert.Equal(new[] { "aud", "exp", "iat", "iss", "jti", "kubernetes.io", "nbf", "sub" }, claims.Select(c => c.Key).ToArray());
        var jti = claims["jti"]!.GetValue<string>();
        Assert.True(Guid.TryParse(jti, out _), jti);
        Assert.NotEqual(jti, Decode(await Server.CreateTokenAsync("shop", "frontend")).Claims["jti"]!.GetValue<string>());

        var status = await Review(token);
        Assert.True(status["authenticated"]!.GetValue<bool>());
        Assert.Equal($"[\"JTI={jti}\"]", status["user"]!["extra"]!["authentication.kubernetes.io/credential-id"]!.ToJsonString());
    }

    [Fact]
    public async Task The_JWKS_publishes_the_P384_key_that_verifies_the_token_and_discovery_names_ES384()
    {
        var config = await Client.GetAsync2("/.well-known/openid-configuration");
        Assert.Equal("[\"ES384\"]", config.Object["id_token_signing_alg_values_supported"]!.ToJsonString());
        var jwks = await Client.GetAsync2("/openid/v1/jwks", accept: "application/jwk-set+json");
        Assert.Equal(HttpStatusCode.OK, jwks.Status);
        var key = JsonNode.Parse(jwks.Text)!["keys"]!.AsArray().Single()!.AsObject();
        Assert.Equal(new[] { "use", "kty", "kid", "crv", "alg", "x", "y" }, key.Select(k => k.Key).ToArray());
        Assert.Equal("EC", key["kty"]!.GetValue<string>());
        Assert.Equal("P-384", key["crv"]!.GetValue<string>());

        var token = await Server.CreateTokenAsync("shop", "backend");
        var parts = token.Split('.');
        Assert.Equal(key["kid"]!.GetValue<string>(), Decode(token).Header["kid"]!.GetValue<string>());
        using var ec = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP384,
            Q = new ECPoint { X = Base64Url.TryDecode(key["x"]!.GetValue<string>()), Y = Base64Url.TryDecode(key["y"]!.GetValue<string>()) },
        });
        Assert.True(ec.VerifyData(System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.TryDecode(parts[2])!, HashAlgorithmName.SHA384));
        Assert.Equal(Base64Url.Encode(SHA256.HashData(ec.ExportSubjectPublicKeyInfo())), key["kid"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pod_bound_token_carries_the_node_the_pod_runs_on()
    {
        var pod = Server.Store.List("pods", "shop").First(p => p["metadata"]!["name"]!.GetValue<string>().StartsWith("frontend-", StringComparison.Ordinal));
        var podName = pod["metadata"]!["name"]!.GetValue<string>();
        var nodeName = pod["spec"]!["nodeName"]!.GetValue<string>();
        var node = Server.Store.Get("nodes", null, nodeName)!;
        var token = await Server.CreateTokenAsync("shop", "frontend", boundPodName: podName);
        var kio = Decode(token).Claims["kubernetes.io"]!;
        Assert.Equal(nodeName, kio["node"]!["name"]!.GetValue<string>());
        Assert.Equal(node["metadata"]!["uid"]!.GetValue<string>(), kio["node"]!["uid"]!.GetValue<string>());

        var extra = (await Review(token))["user"]!["extra"]!.AsObject();
        Assert.Equal(new[]
        {
            "authentication.kubernetes.io/credential-id", "authentication.kubernetes.io/node-name", "authentication.kubernetes.io/node-uid",
            "authentication.kubernetes.io/pod-name", "authentication.kubernetes.io/pod-uid",
        }, extra.Select(e => e.Key).ToArray());
        Assert.Equal(nodeName, extra["authentication.kubernetes.io/node-name"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_bound_to_a_node_works_and_names_the_node()
    {
        var token = await Server.CreateTokenAsync("monitoring", "node-exporter", boundNodeName: "sandbox-worker");
        var kio = Decode(token).Claims["kubernetes.io"]!.AsObject();
        Assert.Equal(new[] { "namespace", "node", "serviceaccount" }, kio.Select(k => k.Key).ToArray());
        var status = await Review(token);
        Assert.True(status["authenticated"]!.GetValue<bool>(), status.ToJsonString());
        Assert.Equal("sandbox-worker", status["user"]!["extra"]!["authentication.kubernetes.io/node-name"]![0]!.GetValue<string>());

        var missing = await Client.PostAsync2("/api/v1/namespaces/monitoring/serviceaccounts/node-exporter/token",
            Api.Obj("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"boundObjectRef\":{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"name\":\"no-such-node\"}}}"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("nodes \"no-such-node\" not found", missing.Message);
    }

    [Fact]
    public async Task SelfSubjectReview_with_a_ServiceAccount_token_shows_the_credential_id_and_is_in_discovery()
    {
        var token = await Server.CreateTokenAsync("ci", "runner");
        using var sa = Server.CreateClient(token);
        var r = await sa.PostAsync2("/apis/authentication.k8s.io/v1/selfsubjectreviews", Api.Obj("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}"));
        Assert.True(r.Status == HttpStatusCode.Created, r.Text);
        var jti = Decode(token).Claims["jti"]!.GetValue<string>();
        Assert.Equal("JTI=" + jti, r.Object["status"]!["userInfo"]!["extra"]!["authentication.kubernetes.io/credential-id"]![0]!.GetValue<string>());

        var discovery = await Client.GetAsync2("/apis/authentication.k8s.io/v1");
        Assert.Contains("selfsubjectreviews", discovery.Object["resources"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()));
        var version = await Client.GetAsync2("/version");
        Assert.Equal("33", version.Object["minor"]!.GetValue<string>());
        Assert.StartsWith("v1.33.", version.Object["gitVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nodes_can_be_read_but_not_written_and_demo_pods_run_on_the_workers()
    {
        var list = await Client.GetAsync2("/api/v1/nodes");
        Assert.Equal(new[] { "sandbox-control-plane", "sandbox-worker", "sandbox-worker2" }, list.Names().ToArray());
        var create = await Client.PostAsync2("/api/v1/nodes", Api.Obj("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"extra\"}}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, create.Status);
        var delete = await Client.DeleteAsync2("/api/v1/nodes/sandbox-worker");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.Status);

        var pods = await Client.GetAsync2("/api/v1/pods?fieldSelector=spec.nodeName%3Dsandbox-worker");
        Assert.NotEmpty(pods.Names());
        var running = (await Client.GetAsync2("/api/v1/namespaces/shop/pods/debug-shell")).Object;
        Assert.Equal("Running", running["status"]!["phase"]!.GetValue<string>());
        Assert.StartsWith("10.244.", running["status"]!["podIP"]!.GetValue<string>());
        Assert.True(running["status"]!["containerStatuses"]![0]!["ready"]!.GetValue<bool>());
        Assert.NotNull(running["status"]!["containerStatuses"]![0]!["state"]!["running"]);
        var job = (await Client.GetAsync2("/api/v1/namespaces/data/pods/nightly-etl-28391040-abcde")).Object;
        Assert.Equal("Succeeded", job["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_ServiceAccount_a_default_binding_names_exists_in_kube_system()
    {
        var subjects = new List<string>();
        foreach (var path in new[] { "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "/apis/rbac.authorization.k8s.io/v1/rolebindings" })
        {
            foreach (var b in (await Client.GetAsync2(path + "?labelSelector=kubernetes.io/bootstrapping%3Drbac-defaults")).Object["items"]!.AsArray())
                foreach (var s in b!["subjects"]?.AsArray() ?? new JsonArray())
                    if (s!["kind"]!.GetValue<string>() == "ServiceAccount")
                        subjects.Add($"{s["namespace"]}/{s["name"]}");
        }
        Assert.Contains("kube-system/cronjob-controller", subjects);
        Assert.Contains("kube-system/bootstrap-signer", subjects);
        Assert.Contains("kube-system/legacy-service-account-token-cleaner", subjects);
        var accounts = (await Client.GetAsync2("/api/v1/namespaces/kube-system/serviceaccounts")).Names().Select(n => "kube-system/" + n).ToHashSet();
        Assert.All(subjects, s => Assert.Contains(s, accounts));
    }

    [Fact]
    public async Task The_legacy_token_cleaner_labels_an_unused_auto_generated_token_then_deletes_it_a_year_later()
    {
        // The demo's old-deployer-token is what the controller invalidated a month ago; hand-made tokens are untouched.
        var old = Server.Store.Get("secrets", "legacy-apps", "old-deployer-token")!;
        Assert.NotNull(old["metadata"]!["labels"]!["kubernetes.io/legacy-token-invalid-since"]);
        Assert.Null(Server.Store.Get("secrets", "legacy-apps", "reporter-token")!["metadata"]!["labels"]?["kubernetes.io/legacy-token-invalid-since"]);
        Assert.Equal("old-deployer-token", Server.Store.Get("serviceaccounts", "legacy-apps", "old-deployer")!["secrets"]![0]!["name"]!.GetValue<string>());

        await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bootstrap", KubernetesVersion = "1.33" });
        var today = s.Clock.UtcNow.UtcDateTime.Date;
        // kube-apiserver started tracking today: nothing is old enough to judge yet.
        Assert.Equal(today.ToString("yyyy-MM-dd"), s.Store.Get("configmaps", "kube-system", LegacyTokenCleaner.TrackingConfigMap)!["data"]!["since"]!.GetValue<string>());
        s.Store.Mutate("configmaps", "kube-system", LegacyTokenCleaner.TrackingConfigMap, c => c["data"]!["since"] = today.AddDays(-800).ToString("yyyy-MM-dd"));
        s.Store.Create("serviceaccounts", "default", Api.Obj("{\"metadata\":{\"name\":\"ancient\"},\"secrets\":[{\"name\":\"ancient-token\"},{\"name\":\"mounted-token\"}]}"));
        foreach (var name in new[] { "ancient-token", "manual-token", "mounted-token", "recent-token" })
        {
            s.Store.Create("secrets", "default", Api.Obj("{\"metadata\":{\"name\":\"" + name + "\",\"annotations\":{\"kubernetes.io/service-account.name\":\"ancient\"},\"labels\":{\"kubernetes.io/legacy-token-last-used\":\""
                + today.AddDays(name == "recent-token" ? -10 : -400).ToString("yyyy-MM-dd") + "\"}},\"type\":\"kubernetes.io/service-account-token\"}"));
            s.Store.Backdate("secrets", "default", name, new DateTimeOffset(today.AddDays(-900), TimeSpan.Zero));
        }
        s.Store.Mutate("serviceaccounts", "default", "ancient", sa => sa["secrets"]!.AsArray().Add(new JsonObject { ["name"] = "recent-token" }));
        s.Store.Create("pods", "default", Api.Obj("{\"metadata\":{\"name\":\"mounter\"},\"spec\":{\"serviceAccountName\":\"ancient\",\"containers\":[{\"name\":\"a\",\"image\":\"x\"}],\"volumes\":[{\"name\":\"t\",\"secret\":{\"secretName\":\"mounted-token\"}}]}}"));
        var token = Encoding.UTF8.GetString(Convert.FromBase64String(s.Store.Get("secrets", "default", "ancient-token")!["data"]!["token"]!.GetValue<string>()));

        var first = s.RunLegacyTokenCleaner();
        // manual-token is not in the ServiceAccount's secrets, mounted-token is mounted, recent-token was used.
        Assert.Equal(new[] { "default/ancient-token" }, first.Invalidated);
        Assert.Empty(first.Deleted);
        Assert.Equal(today.ToString("yyyy-MM-dd"), s.Store.Get("secrets", "default", "ancient-token")!["metadata"]!["labels"]!["kubernetes.io/legacy-token-invalid-since"]!.GetValue<string>());
        using var client = s.CreateClient();
        var review = await client.PostAsync2("/apis/authentication.k8s.io/v1/tokenreviews", Api.Obj($"{{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{{\"token\":\"{token}\"}}}}"));
        Assert.Contains("has been marked invalid", review.Object["status"]!["error"]!.GetValue<string>());

        Assert.Empty(s.RunLegacyTokenCleaner().Deleted); // labelled today: kept for the clean-up period
        s.Clock.Advance(TimeSpan.FromDays(366));
        var later = s.RunLegacyTokenCleaner();
        Assert.Equal(new[] { "default/ancient-token" }, later.Deleted);
        Assert.Null(s.Store.Get("secrets", "default", "ancient-token"));
        Assert.NotNull(s.Store.Get("secrets", "default", "manual-token"));
    }

    [Fact]
    public async Task The_1_33_default_policy_differs_from_1_26_where_the_release_did()
    {
        await using var old = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bootstrap", KubernetesVersion = "1.26" });
        Assert.Null(old.Store.Get("clusterroles", null, "system:controller:legacy-service-account-token-cleaner"));
        Assert.NotNull(Server.Store.Get("clusterroles", null, "system:controller:legacy-service-account-token-cleaner"));
        var kcm = Server.Store.Get("clusterroles", null, "system:kube-controller-manager")!["rules"]!.AsArray();
        Assert.DoesNotContain(kcm, r => r!["resources"]!.AsArray().Any(x => x!.GetValue<string>() == "endpoints"));
        var basic = Server.Store.Get("clusterroles", null, "system:basic-user")!["rules"]!.ToJsonString();
        Assert.Contains("selfsubjectreviews", basic);
        Assert.DoesNotContain("selfsubjectreviews", old.Store.Get("clusterroles", null, "system:basic-user")!["rules"]!.ToJsonString());

        // 1.26 refused a Node binding (ServiceAccountTokenNodeBinding came in 1.29).
        using var oldClient = old.CreateClient();
        var r = await oldClient.PostAsync2("/api/v1/namespaces/default/serviceaccounts/default/token",
            Api.Obj("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"boundObjectRef\":{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"name\":\"n\"}}}"));
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("cannot bind token to object of type /v1, Kind=Node", r.Message);
        Assert.DoesNotContain("jti", Decode(await old.CreateTokenAsync("default", "default")).Claims.Select(c => c.Key));
    }
}

/// <summary>The signing keys kube-apiserver accepts (jwt.go signerFromRSAPrivateKey / signerFromECDSAPrivateKey).</summary>
public sealed class SigningKeyTests
{
    [Theory]
    [InlineData("RS256", "RSA", null)]
    [InlineData("ES256", "EC", "P-256")]
    [InlineData("ES384", "EC", "P-384")]
    [InlineData("ES512", "EC", "P-521")]
    public void Each_algorithm_signs_tokens_the_authenticator_accepts_and_publishes_its_key(string algorithm, string kty, string? crv)
    {
        var store = new KubeSandbox.Storage.InMemoryObjectStore(() => DateTimeOffset.UtcNow);
        store.Create("namespaces", null, Api.Obj("{\"metadata\":{\"name\":\"alpha\"}}"));
        store.Create("serviceaccounts", "alpha", Api.Obj("{\"metadata\":{\"name\":\"runner\"}}"));
        using var services = new SecurityServices(store, TimeProvider.System, new SecurityOptions { SigningAlgorithm = algorithm });
        var token = services.CreateToken("alpha", "runner");
        var header = JsonNode.Parse(Base64Url.TryDecode(token.Split('.')[0])!)!;
        Assert.Equal(algorithm, header["alg"]!.GetValue<string>());
        var result = services.Authenticator.Authenticate(token, Array.Empty<string>());
        Assert.True(result.Authenticated, result.Error);
        Assert.Equal("JTI=" + JsonNode.Parse(Base64Url.TryDecode(token.Split('.')[1])!)!["jti"]!.GetValue<string>(),
            result.User!.Extra[ServiceAccountUser.CredentialIdKey].Single());

        var jwk = services.Oidc.Jwks()["keys"]![0]!;
        Assert.Equal(kty, jwk["kty"]!.GetValue<string>());
        Assert.Equal(crv, jwk["crv"]?.GetValue<string>());
        Assert.Equal(algorithm, services.Oidc.Configuration()["id_token_signing_alg_values_supported"]![0]!.GetValue<string>());

        // A signature of another algorithm's length or key is go-jose's crypto failure, not a user.
        var forged = token[..token.LastIndexOf('.')] + "." + Base64Url.Encode(new byte[algorithm == "RS256" ? 256 : 96]);
        Assert.False(services.Authenticator.Authenticate(forged, Array.Empty<string>()).Authenticated);
    }

    [Fact]
    public void An_unknown_algorithm_or_release_is_refused_with_the_known_ones()
    {
        Assert.Contains("RS256, ES256, ES384, ES512", Assert.Throws<ArgumentException>(() => ServiceAccountSigningKey.Generate("HS256")).Message);
        Assert.Contains("1.26, 1.33", Assert.Throws<ArgumentException>(() => KubernetesRelease.Parse("1.30")).Message);
        Assert.Same(KubernetesRelease.V133, KubernetesRelease.Parse("v1.33.2"));
    }
}
