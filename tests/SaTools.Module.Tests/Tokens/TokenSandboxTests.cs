using System.Management.Automation;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox;

namespace SaTools.Module.Tests.Tokens;

/// <summary>
/// New-K8sBoundToken and Test-K8sTokenReview against the sandbox over HTTPS, online (TokenReview) and -Offline
/// (the sandbox's discovery document and JWKS): each case gives the answer kube-apiserver gives, and offline
/// validation gives what it can know.
/// </summary>
public sealed class TokenSandboxTests : IClassFixture<TokenSandbox>, IDisposable
{
    private const string ApiAudience = "https://kubernetes.default.svc.cluster.local";
    private readonly TokenSandbox sandbox;
    private readonly ModuleSession session = new();

    public TokenSandboxTests(TokenSandbox sandbox) => this.sandbox = sandbox;

    public void Dispose() => session.Dispose();

    private ModuleSession.Result Run(string script, params object?[] args) =>
        session.RunCapturing(script, new object?[] { sandbox.Kubeconfig }.Concat(args).ToArray());

    private static T Get<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    /// <summary>A token from New-K8sBoundToken -AsPlainText (extra parameters appended).</summary>
    private string Mint(string ns, string serviceAccount, string extra = "")
    {
        var result = Run($"New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount $args[2] -AsPlainText {extra}", ns, serviceAccount);
        Assert.Empty(result.AllErrors);
        return Get<string>(Assert.Single(result.Output), "Token");
    }

    private PSObject Review(string token, bool offline = false, params string[] audience)
    {
        var result = Run($"Test-K8sTokenReview -Kubeconfig $args[0] -Token $args[1] -Audience $args[2] {(offline ? "-Offline" : "")}",
            token, audience.Length > 0 ? audience : null);
        Assert.Empty(result.AllErrors);
        var r = Assert.Single(result.Output);
        Assert.Equal(offline ? "Offline" : "TokenReview", Get<string>(r, "Method"));
        return r;
    }

    private static void AssertRefused(PSObject r, string reason)
    {
        Assert.False(Get<bool>(r, "Authenticated"));
        Assert.Contains(reason, Get<string>(r, "Error"));
        Assert.Null(Get<string>(r, "UserName"));
        Assert.Empty(Get<IEnumerable<string>>(r, "Groups"));
    }

    [Fact]
    public async Task AMintedTokenRoundTripsWithUserGroupsAudiencesAndExtra()
    {
        var ns = await sandbox.NamespaceAsync();
        var podUid = await sandbox.PodAsync(ns, "runner-pod", "runner");
        var saUid = (await sandbox.GetAsync($"/api/v1/namespaces/{ns}/serviceaccounts/runner"))["metadata"]!["uid"]!.GetValue<string>();

        var minted = Run("New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount runner -Duration 10m -Audience vault -BoundObjectKind Pod -BoundObjectName runner-pod -BoundObjectUid $args[2]", ns, podUid);
        Assert.Empty(minted.AllErrors);
        var token = Assert.Single(minted.Output);
        Assert.Equal("sandbox", Get<string>(token, "Context"));
        Assert.Equal(new[] { "vault" }, Get<IEnumerable<string>>(token, "Audiences"));
        Assert.Equal(TimeSpan.FromMinutes(10), Get<DateTime?>(token, "ExpiresAt") - Get<DateTime>(token, "IssuedAt"));
        Assert.False(Get<bool>(token, "Capped"));
        Assert.Equal("Pod/runner-pod", Get<string>(token, "BoundObject"));
        Assert.Equal(podUid, Get<string>(token, "BoundObjectUid"));
        Assert.Equal(ApiAudience, Get<string>(token, "Issuer"));
        // The sandbox answers as 1.33 by default: every token carries a jti (ServiceAccountTokenJTI, GA 1.32), shown
        // as TokenId and as the credential id JTI=<jti>. (1.26, without one: Sandbox/ReleaseFlowTests.)
        var jti = Get<string>(token, "TokenId");
        Assert.False(string.IsNullOrEmpty(jti));
        Assert.Contains($"\"jti\":\"{jti}\"", Get<string>(token, "Claims"));
        Assert.Equal("JTI=" + jti, Get<string>(token, "CredentialId"));
        Assert.Contains($"\"sub\":\"system:serviceaccount:{ns}:runner\"", Get<string>(token, "Claims"));

        var reviewed = Run("$args[1] | Test-K8sTokenReview -Kubeconfig $args[0]", token);
        Assert.Empty(reviewed.AllErrors);
        var r = Assert.Single(reviewed.Output);
        Assert.Equal("TokenReview", Get<string>(r, "Method"));
        Assert.True(Get<bool>(r, "Authenticated"), Get<string>(r, "Error"));
        Assert.Equal($"system:serviceaccount:{ns}:runner", Get<string>(r, "UserName"));
        Assert.Equal(saUid, Get<string>(r, "Uid"));
        Assert.Equal(new[] { "system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated" }, Get<IEnumerable<string>>(r, "Groups"));
        Assert.Equal(new[] { "vault" }, Get<IEnumerable<string>>(r, "Audiences"));
        Assert.Equal("runner-pod", Get<string>(r, "PodName"));
        Assert.Equal(podUid, Get<string>(r, "PodUid"));
        Assert.Contains($"authentication.kubernetes.io/pod-uid={podUid}", Get<IEnumerable<string>>(r, "Extra"));
        Assert.Equal("Pod/runner-pod", Get<string>(r, "BoundObject"));
        Assert.True(Get<TimeSpan?>(r, "ExpiresIn") <= TimeSpan.FromMinutes(10));
        Assert.Equal("sandbox", Get<string>(r, "Context"));
        Assert.Equal(jti, Get<string>(r, "TokenId"));
        Assert.Equal("JTI=" + jti, Get<string>(r, "CredentialId"));
        Assert.False(Get<bool>(r, "IsLegacy"));
        Assert.Equal(ApiAudience, Get<string>(r, "Issuer"));
        Assert.Equal($"system:serviceaccount:{ns}:runner", Get<string>(r, "Subject"));

        var offline = Run("$args[1] | Test-K8sTokenReview -Kubeconfig $args[0] -Offline", token);
        Assert.Empty(offline.AllErrors);
        var o = Assert.Single(offline.Output);
        Assert.True(Get<bool>(o, "Authenticated"), Get<string>(o, "Error"));
        Assert.Equal(Get<string>(r, "UserName"), Get<string>(o, "UserName"));
        Assert.Equal(Get<IEnumerable<string>>(r, "Groups"), Get<IEnumerable<string>>(o, "Groups"));
        Assert.Equal(new[] { "vault" }, Get<IEnumerable<string>>(o, "Audiences"));
        Assert.Equal(podUid, Get<string>(o, "PodUid"));
        Assert.Equal("JTI=" + jti, Get<string>(o, "CredentialId"));
    }

    [Fact]
    public async Task EveryListPropertyHasAJoinedColumnForCsv()
    {
        var ns = await sandbox.NamespaceAsync();
        await sandbox.PodAsync(ns, "runner-pod", "runner");
        var result = Run("""
            $t = New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount runner -Audience vault, ci -BoundObjectKind Pod -BoundObjectName runner-pod
            $t
            $t | Test-K8sTokenReview -Kubeconfig $args[0]
            $t | Test-K8sTokenReview -Kubeconfig $args[0] -Offline
            """, ns);

        Assert.Empty(result.AllErrors);
        Assert.Equal(3, result.Output.Count);
        foreach (var o in result.Output)
        {
            var lists = o.Properties.Where(p => p.Value is not string && p.Value is IEnumerable<string>).ToList();
            Assert.NotEmpty(lists);
            foreach (var list in lists)
            {
                var items = ((IEnumerable<string>)list.Value).ToList();
                // Export-Csv writes each property's ToString(): a list reads as its items, never System.String[].
                Assert.Equal(string.Join("; ", items), list.Value.ToString());
                // ...and has a joined companion with the separator that suits it, Groups -> GroupList.
                var joined = o.Properties[list.Name.TrimEnd('s') + "List"];
                Assert.True(joined is not null, $"{o.BaseObject.GetType().Name}.{list.Name} has no joined column.");
                var separator = list.Name == "Extra" ? "; " : list.Name == "Limitations" ? " " : ", ";
                Assert.Equal(string.Join(separator, items), (string)joined.Value);
            }
        }
        Assert.Equal("vault, ci", Get<string>(result.Output[1], "TokenAudienceList"));
        Assert.Equal("vault, ci", Get<string>(result.Output[1], "RequestedAudienceList"));
    }

    [Fact]
    public async Task ServiceAccountsFromGetK8sServiceAccountBindAndWhatIfRequestsNoToken()
    {
        var ns = await sandbox.NamespaceAsync();

        var preview = Run("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace $args[1] | New-K8sBoundToken -Kubeconfig $args[0] -Duration 10m -WhatIf", ns);
        Assert.Empty(preview.AllErrors);
        Assert.Empty(preview.Output);
        Assert.DoesNotContain(sandbox.Server.Requests.ForPath($"/api/v1/namespaces/{ns}/serviceaccounts/"), r => r.Path.EndsWith("/token", StringComparison.Ordinal));

        var minted = Run("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace $args[1] | New-K8sBoundToken -Kubeconfig $args[0] -Duration 10m", ns);
        Assert.Empty(minted.AllErrors);
        Assert.Equal(new[] { "default", "other", "runner" },
            minted.Output.Select(o => Get<string>(o, "ServiceAccount")).OrderBy(n => n, StringComparer.Ordinal).ToArray());
        Assert.All(minted.Output, o => Assert.Equal(ns, Get<string>(o, "Namespace")));
    }

    [Fact]
    public async Task ServiceAccountNamesComplete()
    {
        var ns = await sandbox.NamespaceAsync();

        var matches = session.Run("""
            $line = "New-K8sBoundToken -Kubeconfig '$($args[0])' -Namespace $($args[1]) -ServiceAccount ru"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
            """, sandbox.Kubeconfig, ns);

        Assert.Equal(new[] { "runner" }, matches.Select(m => m.ToString()).ToArray());
    }

    [Fact]
    public async Task AWrongAudienceIsRefusedOnlineAndOffline()
    {
        var ns = await sandbox.NamespaceAsync();
        var token = Mint(ns, "runner");

        AssertRefused(Review(token, false, "vault"), $"token audiences [\"{ApiAudience}\"] is invalid for the target audiences [\"vault\"]");
        AssertRefused(Review(token, true, "vault"), "is invalid for the target audiences");
        Assert.True(Get<bool>(Review(token, false, "vault", ApiAudience), "Authenticated"));
    }

    [Fact]
    public async Task AnExpiredTokenIsRefusedOnlineAndOffline()
    {
        var ns = await sandbox.NamespaceAsync();
        // Minted two hours ago by the sandbox's clock, so both the sandbox and this machine see it expired.
        sandbox.Server.Clock.Advance(TimeSpan.FromHours(-2));
        string token;
        try
        {
            token = Mint(ns, "runner", "-Duration 10m");
        }
        finally
        {
            sandbox.Server.Clock.Advance(TimeSpan.FromHours(2));
        }

        AssertRefused(Review(token), "service account token has expired");
        var offline = Review(token, offline: true);
        AssertRefused(offline, "expired at");
        Assert.True(Get<TimeSpan?>(offline, "ExpiresIn") < TimeSpan.Zero);
    }

    [Fact]
    public async Task DeletingTheBoundPodInvalidatesTheTokenWhichOfflineCannotSee()
    {
        var ns = await sandbox.NamespaceAsync();
        await sandbox.PodAsync(ns, "doomed-pod", "runner");
        var token = Mint(ns, "runner", "-BoundObjectKind Pod -BoundObjectName doomed-pod");
        Assert.True(Get<bool>(Review(token), "Authenticated"));

        await sandbox.DeleteAsync($"/api/v1/namespaces/{ns}/pods/doomed-pod");

        AssertRefused(Review(token), "service account token has been invalidated");
        var offline = Review(token, offline: true);
        Assert.True(Get<bool>(offline, "Authenticated"), Get<string>(offline, "Error"));
        Assert.Contains(Get<IEnumerable<string>>(offline, "Limitations"), l => l.Contains("bound Pod 'doomed-pod' still exists"));
    }

    [Fact]
    public async Task DeletingTheServiceAccountInvalidatesItsTokens()
    {
        var ns = await sandbox.NamespaceAsync();
        await sandbox.ServiceAccountAsync(ns, "ephemeral");
        var token = Mint(ns, "ephemeral");
        Assert.True(Get<bool>(Review(token), "Authenticated"));

        await sandbox.DeleteAsync($"/api/v1/namespaces/{ns}/serviceaccounts/ephemeral");

        AssertRefused(Review(token), "[invalid bearer token, serviceaccounts \"ephemeral\" not found]");
        var offline = Review(token, offline: true);
        Assert.True(Get<bool>(offline, "Authenticated"), Get<string>(offline, "Error"));
        Assert.Contains(Get<IEnumerable<string>>(offline, "Limitations"), l => l.Contains("ServiceAccount still exists"));
    }

    [Fact]
    public async Task TamperedForgedAndUnsignedTokensAreRefusedOnlineAndOffline()
    {
        var ns = await sandbox.NamespaceAsync();
        var genuine = Mint(ns, "runner");
        var parts = genuine.Split('.');
        var claims = JsonNode.Parse(Encoding.UTF8.GetString(Base64Url(parts[1])))!.AsObject();
        var header = JsonNode.Parse(Encoding.UTF8.GetString(Base64Url(parts[0])))!.AsObject();

        var elevated = claims.DeepClone().AsObject();
        elevated["kubernetes.io"]!["serviceaccount"]!["name"] = "other";
        elevated["sub"] = $"system:serviceaccount:{ns}:other";
        var tampered = TestSigner.WithPayload(genuine, elevated);

        using var rsa = RSA.Create(2048);
        var forgedInput = B64(header.ToJsonString()) + "." + B64(claims.ToJsonString());
        var forged = forgedInput + "." + TestSigner.B64(rsa.SignData(Encoding.ASCII.GetBytes(forgedInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var unsigned = TestSigner.Unsigned(claims);

        foreach (var bad in new[] { tampered, forged, unsigned })
        {
            var online = Review(bad);
            Assert.False(Get<bool>(online, "Authenticated"));
            Assert.Contains("invalid bearer token", Get<string>(online, "Error"));
            Assert.False(Get<bool>(Review(bad, offline: true), "Authenticated"));
        }
        Assert.Contains("alg: none", Get<string>(Review(unsigned, offline: true), "Error"));
        Assert.Contains("does not verify", Get<string>(Review(forged, offline: true), "Error"));
    }

    [Fact]
    public async Task AMalformedTokenIsAnErrorAndNothingIsSentForIt()
    {
        var ns = await sandbox.NamespaceAsync();
        var genuine = Mint(ns, "runner");
        var parts = genuine.Split('.');
        var before = sandbox.Server.Requests.ForPath("/apis/authentication.k8s.io/v1/tokenreviews").Count;

        var result = Run(
            "$args[1], $args[2], $args[3] | ForEach-Object { [pscustomobject]@{ Token = $_ } } | Test-K8sTokenReview -Kubeconfig $args[0]",
            genuine + ".extra", parts[0] + ".!" + parts[1] + "." + parts[2], genuine);

        Assert.Null(result.Terminating);
        Assert.Equal(new[] { "TestK8sTokenReviewMalformedToken", "TestK8sTokenReviewMalformedToken" },
            result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray());
        Assert.Contains("it has 4 parts", result.Errors[0].Exception.Message);
        Assert.Contains("payload (part 2 of 3) is not valid base64url", result.Errors[1].Exception.Message);
        Assert.All(result.Errors, e => Assert.DoesNotContain(parts[1], e.ToString()));
        // The well-formed token after them is still reviewed, and only it reached the server.
        Assert.True(Get<bool>(Assert.Single(result.Output), "Authenticated"));
        Assert.Equal(before + 1, sandbox.Server.Requests.ForPath("/apis/authentication.k8s.io/v1/tokenreviews").Count);
    }

    [Fact]
    public async Task ALegacyTokenIsValidUntilTheInvalidSinceLabel()
    {
        var ns = await sandbox.NamespaceAsync();
        var token = await sandbox.LegacyTokenAsync(ns, "runner-legacy", "runner");

        var before = Review(token);
        Assert.True(Get<bool>(before, "Authenticated"), Get<string>(before, "Error"));
        Assert.True(Get<bool>(before, "IsLegacy"));
        Assert.Null(Get<DateTime?>(before, "ExpiresAt"));
        Assert.Null(Get<TimeSpan?>(before, "ExpiresIn"));
        Assert.Equal($"system:serviceaccount:{ns}:runner", Get<string>(before, "UserName"));
        var offlineBefore = Review(token, offline: true);
        Assert.True(Get<bool>(offlineBefore, "Authenticated"), Get<string>(offlineBefore, "Error"));
        Assert.True(Get<bool>(offlineBefore, "IsLegacy"));

        await sandbox.MergePatchAsync($"/api/v1/namespaces/{ns}/secrets/runner-legacy",
            new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["kubernetes.io/legacy-token-invalid-since"] = "2026-01-01" } } });

        var after = Review(token);
        Assert.False(Get<bool>(after, "Authenticated"));
        Assert.Contains("invalid bearer token", Get<string>(after, "Error"));
        var offline = Review(token, offline: true);
        Assert.True(Get<bool>(offline, "Authenticated"), Get<string>(offline, "Error"));
        Assert.Contains(Get<IEnumerable<string>>(offline, "Limitations"), l => l.Contains("kubernetes.io/legacy-token-invalid-since"));
    }

    [Fact]
    public async Task TokenRequestRefusalsAreSpecificErrors()
    {
        var ns = await sandbox.NamespaceAsync();
        var podUid = await sandbox.PodAsync(ns, "runner-pod", "runner");
        await sandbox.PodAsync(ns, "other-pod", "other");

        var result = Run("""
            New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount no-such-sa
            New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount runner -BoundObjectKind Pod -BoundObjectName other-pod
            New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount runner -BoundObjectKind Pod -BoundObjectName runner-pod -BoundObjectUid 00000000-0000-0000-0000-000000000000
            New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount runner -BoundObjectKind Pod -BoundObjectName no-such-pod
            """, ns);

        Assert.Empty(result.Output);
        Assert.Equal(
            new[] { "NewK8sBoundTokenServiceAccountNotFound", "NewK8sBoundTokenPodServiceAccountMismatch", "NewK8sBoundTokenBoundObjectUidMismatch", "NewK8sBoundTokenBoundObjectNotFound" },
            result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray());
        Assert.Equal($"{ns}/no-such-sa", result.Errors[0].TargetObject);
        Assert.Contains("pod running with different serviceaccount name", result.Errors[1].Exception.Message);
        Assert.Contains("does not match the UID in record", result.Errors[2].Exception.Message);
        Assert.DoesNotContain(podUid, result.Errors[0].Exception.Message);
    }

    [Fact]
    public async Task ACallerWithoutPermissionGetsForbiddenErrors()
    {
        var ns = await sandbox.NamespaceAsync();
        var saToken = await sandbox.Server.CreateTokenAsync(ns, "runner");
        var kubeconfig = sandbox.Server.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"satools-sa-{Guid.NewGuid():N}.kubeconfig"), saToken, "as-runner");
        try
        {
            var result = Run("""
                New-K8sBoundToken -Kubeconfig $args[1] -Namespace $args[2] -ServiceAccount runner
                Test-K8sTokenReview -Kubeconfig $args[1] -Token $args[3]
                """, kubeconfig, ns, Mint(ns, "other"));

            Assert.Empty(result.Output);
            var errors = result.AllErrors.ToList();
            Assert.Equal(new[] { "NewK8sBoundTokenForbidden", "TestK8sTokenReviewForbidden" }, errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToArray());
            Assert.All(errors, e => Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category));
            Assert.Contains("cannot create resource \"serviceaccounts/token\"", errors[0].Exception.Message);
            Assert.Contains("cannot create resource \"tokenreviews\"", errors[1].Exception.Message);
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [Fact]
    public async Task ACappedLifetimeIsReported()
    {
        await using var capped = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bootstrap", MaxTokenExpirationSeconds = 3600 });
        var kubeconfig = capped.WriteKubeconfig(Path.Combine(Path.GetTempPath(), $"satools-capped-{Guid.NewGuid():N}.kubeconfig"));
        try
        {
            var result = session.RunCapturing("New-K8sBoundToken -Kubeconfig $args[0] -Namespace default -ServiceAccount default -Duration 2h", kubeconfig);

            Assert.Empty(result.AllErrors);
            var token = Assert.Single(result.Output);
            Assert.True(Get<bool>(token, "Capped"));
            Assert.Equal(TimeSpan.FromHours(2), Get<TimeSpan>(token, "RequestedDuration"));
            Assert.Equal(TimeSpan.FromHours(1), Get<TimeSpan?>(token, "GrantedDuration"));
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [Fact]
    public async Task APodTokenFileIsReviewed()
    {
        var ns = await sandbox.NamespaceAsync();
        await sandbox.PodAsync(ns, "runner-pod", "runner");
        var file = Path.Combine(Path.GetTempPath(), $"satools-pod-token-{Guid.NewGuid():N}");
        File.WriteAllText(file, Mint(ns, "runner", "-BoundObjectKind Pod -BoundObjectName runner-pod -Duration 1h0m7s"));
        try
        {
            var result = Run("Test-K8sTokenReview -Kubeconfig $args[0] -Path $args[1]", file);

            Assert.Empty(result.AllErrors);
            var r = Assert.Single(result.Output);
            Assert.True(Get<bool>(r, "Authenticated"));
            Assert.Equal("runner-pod", Get<string>(r, "PodName"));
            Assert.Equal(file, Get<string>(r, "Source"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task NoStreamOrPropertyEverCarriesTheToken()
    {
        var ns = await sandbox.NamespaceAsync();
        await sandbox.PodAsync(ns, "runner-pod", "runner");
        var file = Path.Combine(Path.GetTempPath(), $"satools-scan-token-{Guid.NewGuid():N}");
        using var deleteFile = new TempFile(file);

        var capture = SecretScanner.Run(session, """
            $t = New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount runner -Audience vault -BoundObjectKind Pod -BoundObjectName runner-pod
            $t
            $t | Test-K8sTokenReview -Kubeconfig $args[0]
            $t | Test-K8sTokenReview -Kubeconfig $args[0] -Offline
            Test-K8sTokenReview -Kubeconfig $args[0] -Token $t.Token
            Test-K8sTokenReview -Kubeconfig $args[0] -Token $t.Token -Audience other
            New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount runner -BoundObjectKind Pod -BoundObjectName no-such-pod
            $plain = [System.Net.NetworkCredential]::new('', $t.Token).Password
            [System.IO.File]::WriteAllText($args[2], $plain)
            Test-K8sTokenReview -Kubeconfig $args[0] -Path $args[2] -Audience vault
            Test-K8sTokenReview -Kubeconfig $args[0] -Token ($plain + '.extra')
            Test-K8sTokenReview -Kubeconfig $args[0] -Token ($plain -replace '^([^.]+)\.', '$1.!')
            Test-K8sTokenReview -Kubeconfig $args[0] -Token $plain -Offline -Audience vault
            Remove-Variable plain
            $global:minted = $t
            """, sandbox.Kubeconfig, ns, file);

        var minted = session.Run("$global:minted").Single();
        var token = new System.Net.NetworkCredential(string.Empty, (System.Security.SecureString)minted.Properties["Token"].Value).Password;
        Assert.Equal(7, capture.Output.Count);
        Assert.Equal(2, capture.Errors.Count(e => e.FullyQualifiedErrorId.StartsWith("TestK8sTokenReviewMalformedToken,", StringComparison.Ordinal)));
        Assert.Contains(capture.ViewCells, c => c == "runner");
        Assert.NotEmpty(capture.Errors);
        Assert.NotEmpty(capture.Texts);
        SecretScanner.AssertNoToken(capture, token);
    }

    [Fact]
    public async Task AnAsPlainTextTokenIsOnlyInItsTokenProperty()
    {
        var ns = await sandbox.NamespaceAsync();

        var capture = SecretScanner.Run(session, """
            $p = New-K8sBoundToken -Kubeconfig $args[0] -Namespace $args[1] -ServiceAccount runner -Audience vault -AsPlainText
            $p
            $p | Test-K8sTokenReview -Kubeconfig $args[0]
            $p | Test-K8sTokenReview -Kubeconfig $args[0] -Offline
            """, sandbox.Kubeconfig, ns);

        Assert.Equal(3, capture.Output.Count);
        var token = Assert.IsType<string>(capture.Output[0].Properties["Token"].Value);
        Assert.All(capture.Output.Skip(1), r => Assert.True((bool)r.Properties["Authenticated"].Value));
        // The default view of the -AsPlainText object does not show the token either.
        Assert.Contains(capture.ViewCells, c => c == "vault");
        Assert.DoesNotContain(capture.ViewCells, c => c.Contains(token.Split('.')[1], StringComparison.Ordinal));
        SecretScanner.AssertNoToken(capture, token, plainTextTokenPropertyAllowed: true);
    }

    private sealed class TempFile(string path) : IDisposable
    {
        public void Dispose() => File.Delete(path);
    }

    private static byte[] Base64Url(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }

    private static string B64(string json) => TestSigner.B64(Encoding.UTF8.GetBytes(json));
}
