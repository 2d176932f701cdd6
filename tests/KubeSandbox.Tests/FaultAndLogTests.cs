using System.Net;
using KubeSandbox.Faults;

namespace KubeSandbox.Tests;

/// <summary>Fault injection and the request log (each test starts its own sandbox: faults are global state).</summary>
public sealed class FaultAndLogTests
{
    [Fact]
    public async Task Too_many_requests_carries_retry_after_and_retires_after_its_count()
    {
        await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty" });
        using var c = s.CreateClient();
        var rule = s.Faults.Add(FaultKind.TooManyRequests, "/api/v1/namespaces", times: 2, retryAfterSeconds: 7);
        var first = await c.GetAsync2("/api/v1/namespaces");
        Assert.Equal((HttpStatusCode)429, first.Status);
        Assert.Equal("TooManyRequests", first.Reason);
        Assert.Equal("7", first.Response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(429, (await c.GetAsync2("/api/v1/namespaces")).Code);
        Assert.Equal(200, (await c.GetAsync2("/api/v1/namespaces")).Code);
        Assert.Equal(200, (await c.GetAsync2("/version")).Code); // other paths untouched
        Assert.Equal(2, s.Faults.FiredCount(rule));
    }

    [Theory]
    [InlineData(FaultKind.InternalError, 500, "InternalError")]
    [InlineData(FaultKind.ServiceUnavailable, 503, "ServiceUnavailable")]
    public async Task Server_errors_are_status_objects(FaultKind kind, int code, string reason)
    {
        await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty" });
        using var c = s.CreateClient();
        s.Faults.Add(new FaultRule { Kind = kind, PathPattern = new System.Text.RegularExpressions.Regex("^/api/v1/.*serviceaccounts") });
        var r = await c.GetAsync2("/api/v1/namespaces/default/serviceaccounts");
        Assert.Equal((code, reason), (r.Code, r.Reason));
        Assert.Equal(200, (await c.GetAsync2("/api/v1/namespaces")).Code);
    }

    [Fact]
    public async Task A_connection_reset_fails_the_request()
    {
        await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty" });
        using var c = s.CreateClient();
        s.Faults.Add(FaultKind.ConnectionReset, "/api/v1/namespaces", times: 1);
        await Assert.ThrowsAsync<HttpRequestException>(() => c.GetAsync("/api/v1/namespaces"));
        Assert.Equal(200, (await c.GetAsync2("/api/v1/namespaces")).Code);
        Assert.Contains(s.Requests.Snapshot(), r => r.Fault == "reset" && r.Path == "/api/v1/namespaces");
    }

    [Fact]
    public async Task Latency_and_slow_bodies_still_deliver_the_whole_answer()
    {
        await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bootstrap" });
        using var c = s.CreateClient();
        var expected = (await c.GetAsync2("/apis/rbac.authorization.k8s.io/v1/clusterroles")).Text;
        s.Faults.Add(FaultKind.Latency, "/apis/rbac", delay: TimeSpan.FromMilliseconds(20));
        s.Faults.Add(new FaultRule { Kind = FaultKind.SlowBody, PathPrefix = "/apis/rbac", Delay = TimeSpan.FromMilliseconds(1), ChunkBytes = 16 * 1024 });
        var slow = await c.GetAsync2("/apis/rbac.authorization.k8s.io/v1/clusterroles");
        Assert.Equal(200, slow.Code);
        Assert.Equal(expected.Length, slow.Text.Length);
        Assert.Contains(s.Requests.Snapshot(), r => r.Fault == "latency,slow-body");
    }

    [Fact]
    public async Task Probabilistic_faults_are_the_same_for_the_same_seed()
    {
        async Task<string> Pattern(int seed)
        {
            await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty", Seed = seed });
            using var c = s.CreateClient();
            s.Faults.Add(FaultKind.ServiceUnavailable, "/api/v1/namespaces", probability: 0.5);
            var codes = new List<int>();
            for (var i = 0; i < 24; i++) codes.Add((await c.GetAsync2("/api/v1/namespaces")).Code);
            return string.Join(",", codes);
        }
        var a = await Pattern(42);
        Assert.Equal(a, await Pattern(42));
        Assert.Contains("503", a);
        Assert.Contains("200", a);
    }

    [Fact]
    public async Task The_request_log_records_verb_path_query_status_and_user()
    {
        await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty" });
        using var c = s.CreateClient();
        await c.GetAsync2("/api/v1/namespaces?limit=1");
        await c.GetAsync2("/api/v1/namespaces/nope");
        using var anon = s.CreateClient(token: "");
        await anon.GetAsync2("/api/v1/namespaces");
        var log = s.Requests.ForPath("/api/v1/namespaces");
        Assert.Equal(3, log.Count);
        Assert.Equal(("list", "?limit=1", 200, "sandbox-admin"), (log[0].Verb, log[0].Query, log[0].Status, log[0].User));
        Assert.Equal(("get", 404), (log[1].Verb, log[1].Status));
        Assert.Equal(("system:anonymous", 403), (log[2].User, log[2].Status));
        Assert.Equal(new[] { "GET /api/v1/namespaces", "GET /api/v1/namespaces/nope", "GET /api/v1/namespaces" }, log.Select(r => r.Method + " " + r.Path));
    }

    [Fact]
    public async Task A_tcp_reset_over_http2_is_a_network_failure_not_a_protocol_error()
    {
        await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty" });
        using var c = s.CreateClient();
        s.Faults.Add(FaultKind.TcpReset, "/api/v1/namespaces", times: 1);
        using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => c.SendAsync(req));
        Assert.NotEqual(HttpRequestError.HttpProtocolError, e.HttpRequestError);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        Assert.Equal(HttpStatusCode.OK, (await c.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task Faults_do_not_depend_on_how_parallel_requests_interleave()
    {
        async Task<string> Outcome(bool reverse)
        {
            await using var s = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty", Seed = 5 });
            using var c = s.CreateClient();
            s.Faults.Add(FaultKind.ServiceUnavailable, "/api/v1/namespaces/", probability: 0.5);
            var paths = Enumerable.Range(0, 16).Select(i => $"/api/v1/namespaces/ns-{i}").ToList();
            if (reverse) paths.Reverse();
            var results = await Task.WhenAll(paths.Select(async p => (p, (await c.GetAsync2(p)).Code)));
            return string.Join(",", results.OrderBy(r => r.p, StringComparer.Ordinal).Select(r => $"{r.p}={r.Code}"));
        }
        var a = await Outcome(false);
        Assert.Equal(a, await Outcome(true));
        Assert.Contains("=503", a);
        Assert.Contains("=404", a);
    }
}
