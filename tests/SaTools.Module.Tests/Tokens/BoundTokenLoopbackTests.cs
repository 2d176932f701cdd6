using System.Management.Automation;
using System.Security;
using System.Text.Json.Nodes;

namespace SaTools.Module.Tests.Tokens;

/// <summary>
/// New-K8sBoundToken and Test-K8sTokenReview against a loopback server answering with kube-apiserver's recorded
/// bodies (../shared/k8s/recorded: tr-missing-sa, tr-bound-pod-missing, tr-bound-pod-other-sa,
/// tr-bound-pod-wrong-uid, tr-as-self-forbidden), for what is hard to provoke on the sandbox: a server that caps
/// lifetimes, every refusal in one pipeline, and proof that -WhatIf and a too-short -Duration send nothing.
/// </summary>
public sealed class BoundTokenLoopbackTests : IDisposable
{
    private readonly TestSigner signer = TestSigner.Rsa();
    private readonly LoopbackApiServer server = new();
    private readonly ModuleSession session = new();
    private readonly SecureString admin = TestTokens.Secure("loopback-admin-token");
    private readonly TimeSpan granted;
    private string? lastToken;
    private bool jwksForbidden;

    public BoundTokenLoopbackTests() : this(TimeSpan.FromHours(24)) { }

    private BoundTokenLoopbackTests(TimeSpan maxLifetime)
    {
        granted = maxLifetime;
        server.Respond = Answer;
    }

    public void Dispose()
    {
        session.Dispose();
        server.Dispose();
        signer.Dispose();
    }

    private static string Status(int code, string reason, string message) =>
        new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = code }.ToJsonString();

    private (int, string) Answer(string path)
    {
        const string prefix = "/api/v1/namespaces/alpha/serviceaccounts/";
        if (path == "/apis/authentication.k8s.io/v1/tokenreviews")
        {
            return (201, """{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},"spec":{},"status":{"authenticated":true,"user":{"username":"system:serviceaccount:alpha:runner","uid":"u-1","groups":["system:serviceaccounts","system:serviceaccounts:alpha","system:authenticated"]},"audiences":["https://kubernetes.default.svc.cluster.local"]}}""");
        }
        // The namespace exists (New-K8sBoundToken asks after a 404, to tell a missing namespace from a missing object).
        if (path == "/api/v1/namespaces/alpha")
        {
            return (200, """{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"alpha"}}""");
        }
        if (path == "/.well-known/openid-configuration")
        {
            return (200, $$"""{"issuer":"{{TestSigner.Issuer}}","jwks_uri":"https://10.0.0.1:6443/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}""");
        }
        // An OIDC issuer of its own at /issuer (as -Issuer fetches it), and one whose document names another issuer.
        if (path is "/issuer/.well-known/openid-configuration" or "/impostor/.well-known/openid-configuration")
        {
            var named = path.StartsWith("/issuer/", StringComparison.Ordinal) ? server.Url + "/issuer" : TestSigner.Issuer;
            return (200, $$"""{"issuer":"{{named}}","jwks_uri":"{{server.Url}}/issuer/keys"}""");
        }
        if (path == "/issuer/keys")
        {
            return (200, TestSigner.Jwks(signer));
        }
        if (path == "/openid/v1/jwks")
        {
            return jwksForbidden
                ? (403, Status(403, "Forbidden", "forbidden: User \"system:anonymous\" cannot get path \"/openid/v1/jwks\""))
                : (200, TestSigner.Jwks(signer));
        }
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith("/token", StringComparison.Ordinal))
        {
            return (404, Status(404, "NotFound", "the server could not find the requested resource"));
        }
        var name = path[prefix.Length..^"/token".Length];
        return name switch
        {
            "no-such-sa" => (404, Status(404, "NotFound", "serviceaccounts \"no-such-sa\" not found")),
            "pod-missing" => (404, Status(404, "NotFound", "pods \"no-such-pod\" not found")),
            "other-pod" => (400, Status(400, "BadRequest", "cannot bind token for serviceaccount \"runner\" to pod running with different serviceaccount name.")),
            "wrong-uid" => (409, Status(409, "Conflict", "Operation cannot be fulfilled on Pod \"runner-pod\": the UID in the bound object reference (00000000-0000-0000-0000-000000000000) does not match the UID in record. The object might have been deleted and then recreated")),
            "forbidden" => (403, Status(403, "Forbidden", "serviceaccounts \"runner\" is forbidden: User \"system:serviceaccount:alpha:runner\" cannot create resource \"serviceaccounts/token\" in API group \"\" in the namespace \"alpha\"")),
            _ => (201, Issue(name)),
        };
    }

    /// <summary>A server with a maximum lifetime of <see cref="granted"/> (it shortens longer requests silently).</summary>
    private string Issue(string name)
    {
        var now = DateTimeOffset.UtcNow;
        var token = signer.Sign(TestClaims.Live(name: name, iat: now, lifetime: granted));
        lastToken = token;
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "alpha", ["creationTimestamp"] = now.ToString("yyyy-MM-ddTHH:mm:ssZ") },
            ["spec"] = new JsonObject { ["audiences"] = new JsonArray(TestSigner.Issuer), ["expirationSeconds"] = (long)granted.TotalSeconds },
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()).Add(granted).ToString("yyyy-MM-ddTHH:mm:ssZ") },
        }.ToJsonString();
    }

    private ModuleSession.Result Run(string script, params object?[] args) =>
        session.RunCapturing(script, new object?[] { server.Url, admin }.Concat(args).ToArray());

    private static T Get<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    [Fact]
    public void ALifetimeTheServerShortenedIsReportedAsCapped()
    {
        var result = Run("New-K8sBoundToken -Server $args[0] -Token $args[1] -Namespace alpha -ServiceAccount runner -Duration 48h");

        Assert.Empty(result.AllErrors);
        var token = Assert.Single(result.Output);
        Assert.Equal("SaTools.Output.K8sBoundToken", token.BaseObject.GetType().FullName);
        Assert.True(Get<bool>(token, "Capped"));
        Assert.Equal(TimeSpan.FromHours(48), Get<TimeSpan>(token, "RequestedDuration"));
        Assert.Equal(TimeSpan.FromHours(24), Get<TimeSpan?>(token, "GrantedDuration"));
        Assert.IsType<SecureString>(Get<object>(token, "Token"));
        Assert.Equal("alpha", Get<string>(token, "Namespace"));
        Assert.Equal("runner", Get<string>(token, "ServiceAccount"));
        Assert.Equal(TestSigner.Issuer, Get<string>(token, "Issuer"));
        Assert.Contains("\"sub\":\"system:serviceaccount:alpha:runner\"", Get<string>(token, "Claims"));

        var notCapped = Assert.Single(Run("New-K8sBoundToken -Server $args[0] -Token $args[1] -Namespace alpha -ServiceAccount runner -Duration 1h").Output);
        Assert.False(Get<bool>(notCapped, "Capped"));
    }

    [Fact]
    public void AsPlainTextReturnsTheSameObjectWithAStringToken()
    {
        var token = Assert.Single(Run("New-K8sBoundToken -Server $args[0] -Token $args[1] -Namespace alpha -ServiceAccount runner -AsPlainText").Output);

        Assert.Equal(lastToken, Get<object>(token, "Token"));
        Assert.Equal("SaTools.Output.K8sBoundToken", token.BaseObject.GetType().FullName);
    }

    [Fact]
    public void WhatIfRequestsNothing()
    {
        var result = Run("Get-K8sServiceAccount -? | Out-Null; [pscustomobject]@{ Namespace = 'alpha'; Name = 'runner' }, [pscustomobject]@{ Namespace = 'alpha'; Name = 'ci' } | New-K8sBoundToken -Server $args[0] -Token $args[1] -Duration 10m -Audience vault -WhatIf");

        Assert.Empty(result.AllErrors);
        Assert.Empty(result.Output);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("9m", "ParameterArgumentValidationError", "shorter than the TokenRequest API's minimum of 10 minutes")]
    [InlineData("00:09:59", "ParameterArgumentValidationError", "minimum of 10 minutes")]
    [InlineData("600", "ParameterArgumentTransformationError", "has no unit")]
    [InlineData("ten minutes", "ParameterArgumentTransformationError", "is not a duration")]
    public void ABadDurationIsAParameterErrorBeforeAnyRequest(string duration, string errorId, string message)
    {
        var result = Run("New-K8sBoundToken -Server $args[0] -Token $args[1] -Namespace alpha -ServiceAccount runner -Duration $args[2]", duration);

        var error = Assert.Single(result.AllErrors);
        Assert.Equal(errorId + ",SaTools.Commands.NewK8sBoundTokenCommand", error.FullyQualifiedErrorId);
        Assert.Contains(message, error.Exception.Message);
        Assert.Empty(result.Output);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void EachRefusalIsItsOwnErrorAndThePipelineGoesOn()
    {
        var result = Run("""
            'no-such-sa', 'pod-missing', 'other-pod', 'wrong-uid', 'forbidden', 'runner' |
                ForEach-Object { [pscustomobject]@{ Namespace = 'alpha'; ServiceAccount = $_ } } |
                New-K8sBoundToken -Server $args[0] -Token $args[1]
            """);

        Assert.Equal(
            new[]
            {
                ("NewK8sBoundTokenServiceAccountNotFound", ErrorCategory.ObjectNotFound),
                ("NewK8sBoundTokenBoundObjectNotFound", ErrorCategory.ObjectNotFound),
                ("NewK8sBoundTokenPodServiceAccountMismatch", ErrorCategory.InvalidArgument),
                ("NewK8sBoundTokenBoundObjectUidMismatch", ErrorCategory.ResourceExists),
                ("NewK8sBoundTokenForbidden", ErrorCategory.PermissionDenied),
            },
            result.Errors.Select(e => (e.FullyQualifiedErrorId.Split(',')[0], e.CategoryInfo.Category)).ToArray());
        Assert.Equal("alpha/no-such-sa", result.Errors[0].TargetObject);
        Assert.Contains("serviceaccounts \"no-such-sa\" not found", result.Errors[0].Exception.Message);
        Assert.Contains("cannot create resource \"serviceaccounts/token\"", result.Errors[4].Exception.Message);
        Assert.Equal("runner", Get<string>(Assert.Single(result.Output), "ServiceAccount"));
    }

    [Fact]
    public void AnUnquotedSuffixedNumberIsExplained()
    {
        // PowerShell reads 900s as a short (and 2d as a decimal) before the cmdlet sees it.
        var result = Run("New-K8sBoundToken -Server $args[0] -Token $args[1] -Namespace alpha -ServiceAccount runner -Duration 900s");

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("ParameterArgumentTransformationError,SaTools.Commands.NewK8sBoundTokenCommand", error.FullyQualifiedErrorId);
        Assert.Contains("quote it", error.Exception.Message);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("-BoundObjectKind Pod")]
    [InlineData("-BoundObjectName runner-pod")]
    [InlineData("-BoundObjectUid 123")]
    public void AnIncompleteBindingIsRefusedBeforeAnyRequest(string binding)
    {
        var result = Run($"New-K8sBoundToken -Server $args[0] -Token $args[1] -Namespace alpha -ServiceAccount runner {binding}");

        Assert.Equal("NewK8sBoundTokenBoundObjectIncomplete,SaTools.Commands.NewK8sBoundTokenCommand", Assert.Single(result.AllErrors).FullyQualifiedErrorId);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void TheTokenAppearsInNoStreamPropertyOrRendering()
    {
        var capture = SecretScanner.Run(session, """
            $t = New-K8sBoundToken -Server $args[0] -Token $args[1] -Namespace alpha -ServiceAccount runner -Duration 1h -Audience vault
            $t
            $c = Connect-K8sCluster -Server $args[0] -Token $args[1]
            $t | Test-K8sTokenReview -Connection $c
            New-K8sBoundToken -Server $args[0] -Token $args[1] -Namespace alpha -ServiceAccount forbidden
            Write-Information "done"
            """, server.Url, admin);

        Assert.NotNull(lastToken);
        Assert.Equal(2, capture.Output.Count);
        Assert.NotEmpty(capture.Errors);
        Assert.Contains(capture.Texts, t => t.Contains("POST /api/v1/namespaces/alpha/serviceaccounts/runner/token", StringComparison.Ordinal));
        SecretScanner.AssertNoToken(capture, lastToken!);
    }

    [Fact]
    public void TheScannerFindsAPlainTextTokenUnlessAllowed()
    {
        var capture = SecretScanner.Run(session, "New-K8sBoundToken -Server $args[0] -Token $args[1] -Namespace alpha -ServiceAccount runner -AsPlainText", server.Url, admin);

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SecretScanner.AssertNoToken(capture, lastToken!));
        SecretScanner.AssertNoToken(capture, lastToken!, plainTextTokenPropertyAllowed: true);
    }

    [Fact]
    public void OfflineFetchesTheKeysFromTheApiServerItself()
    {
        using var other = TestSigner.Rsa();
        var result = Run("""
            $c = Connect-K8sCluster -Server $args[0] -Token $args[1]
            [pscustomobject]@{ Token = $args[2] }, [pscustomobject]@{ Token = $args[3] } | Test-K8sTokenReview -Offline -Connection $c -Verbose
            """, signer.Sign(TestClaims.Live()), other.Sign(TestClaims.Live()));

        Assert.Empty(result.AllErrors);
        Assert.Equal(2, result.Output.Count);
        Assert.True(Get<bool>(result.Output[0], "Authenticated"));
        Assert.Equal("Offline", Get<string>(result.Output[0], "Method"));
        Assert.False(Get<bool>(result.Output[1], "Authenticated"));
        // The JWKS is read from the API server, not from the discovery document's (unreachable) jwks_uri.
        Assert.Contains(server.Requests, r => r.Path == "/openid/v1/jwks" && r.Authorization is not null);
        Assert.Contains(result.Verbose, v => v.Contains("issuer " + TestSigner.Issuer, StringComparison.Ordinal));
        // Once per invocation, however many tokens come down the pipeline.
        Assert.Equal(1, server.Requests.Count(r => r.Path == "/openid/v1/jwks"));
    }

    [Fact]
    public void IssuerFetchesThatIssuersDiscoveryAndKeysAndNoCluster()
    {
        var issuer = server.Url + "/issuer";
        var claims = TestClaims.Live(aud: new[] { "my-service" });
        claims["iss"] = issuer;
        var foreign = TestClaims.Live(aud: new[] { "my-service" }); // the API server's issuer, same key

        var result = session.RunCapturing(
            "$args[1], $args[2] | ForEach-Object { [pscustomobject]@{ Token = $_ } } | Test-K8sTokenReview -Issuer $args[0] -Audience my-service",
            issuer, signer.Sign(claims), signer.Sign(foreign));

        Assert.Empty(result.AllErrors);
        Assert.Equal(2, result.Output.Count);
        Assert.True(Get<bool>(result.Output[0], "Authenticated"), Get<string>(result.Output[0], "Error"));
        Assert.Equal("Offline", Get<string>(result.Output[0], "Method"));
        Assert.Null(Get<string>(result.Output[0], "Context"));
        Assert.Equal(new[] { "my-service" }, Get<IEnumerable<string>>(result.Output[0], "Audiences"));
        Assert.False(Get<bool>(result.Output[1], "Authenticated"));
        Assert.Contains("is not the expected issuer", Get<string>(result.Output[1], "Error"));
        Assert.Equal(new[] { "/issuer/.well-known/openid-configuration", "/issuer/keys" }, server.Requests.Select(r => r.Path).ToArray());
    }

    [Fact]
    public void AnIssuerWhoseDiscoveryNamesAnotherIssuerIsRefused()
    {
        var result = session.RunCapturing("Test-K8sTokenReview -Issuer $args[0] -Token $args[1]",
            server.Url + "/impostor", signer.Sign(TestClaims.Live()));

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("TestK8sTokenReviewKeysUnavailable,SaTools.Commands.TestK8sTokenReviewCommand", error.FullyQualifiedErrorId);
        Assert.Contains("the issuer did not match", error.Exception.Message);
        Assert.Empty(result.Output);
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith("/keys", StringComparison.Ordinal));
    }

    [Fact]
    public void KeysTheApiServerRefusesStopTheOfflineCheckWithASpecificError()
    {
        jwksForbidden = true;

        var result = Run("""
            $c = Connect-K8sCluster -Server $args[0] -Token $args[1]
            Test-K8sTokenReview -Offline -Connection $c -Token $args[2]
            """, signer.Sign(TestClaims.Live()));

        var error = Assert.Single(result.AllErrors);
        Assert.Equal("TestK8sTokenReviewKeysUnavailable,SaTools.Commands.TestK8sTokenReviewCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("cannot get path \"/openid/v1/jwks\"", error.Exception.Message);
        Assert.Empty(result.Output);
    }
}
