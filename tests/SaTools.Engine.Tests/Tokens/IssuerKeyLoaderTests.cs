using System.Net;
using System.Net.Sockets;
using System.Text;
using SaTools.Engine.Tokens;

namespace SaTools.Engine.Tests.Tokens;

public sealed class IssuerKeyLoaderTests : IDisposable
{
    private readonly TestSigner signer = TestSigner.Rsa();
    private readonly HttpListener listener = new();
    private readonly string baseUrl;
    private readonly List<string> paths = new();

    public IssuerKeyLoaderTests()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        baseUrl = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(baseUrl + "/");
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            lock (paths) paths.Add(path);
            var body = path switch
            {
                "/tenant/.well-known/openid-configuration" => $"{{\"issuer\":\"{baseUrl}/tenant\",\"jwks_uri\":\"{baseUrl}/keys\"}}",
                "/impostor/.well-known/openid-configuration" => $"{{\"issuer\":\"{baseUrl}/tenant\",\"jwks_uri\":\"{baseUrl}/keys\"}}",
                "/keys" => TestSigner.Jwks(signer),
                _ => null,
            };
            context.Response.StatusCode = body is null ? 404 : 200;
            var bytes = Encoding.UTF8.GetBytes(body ?? "not found");
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Close();
        signer.Dispose();
    }

    [Fact]
    public async Task FollowsDiscoveryToTheJwks()
    {
        var keys = await IssuerKeyLoader.FromIssuerAsync(new Uri(baseUrl + "/tenant"), CancellationToken.None);

        Assert.Equal(baseUrl + "/tenant", keys.Issuer);
        Assert.Equal(new[] { signer.KeyId }, keys.KeyIds);
        Assert.Equal(new[] { "/tenant/.well-known/openid-configuration", "/keys" }, paths);

        var claims = TestClaims.ServiceAccount(issuer: baseUrl + "/tenant", aud: new[] { "svc" }, iat: DateTimeOffset.UtcNow);
        var result = await new OfflineTokenValidator(keys).ValidateAsync(signer.Sign(claims), new[] { "svc" });
        Assert.True(result.Valid, result.Error);
    }

    [Fact]
    public async Task ADiscoveryDocumentForAnotherIssuerIsRefused()
    {
        var ex = await Assert.ThrowsAsync<TokenValidationSetupException>(() => IssuerKeyLoader.FromIssuerAsync(new Uri(baseUrl + "/impostor"), CancellationToken.None));

        Assert.Contains($"names the issuer '{baseUrl}/tenant', not '{baseUrl}/impostor'", ex.Message);
        Assert.DoesNotContain("/keys", paths);
    }

    [Fact]
    public async Task ATrailingSlashOnTheIssuerIsTolerated()
    {
        var keys = await IssuerKeyLoader.FromIssuerAsync(new Uri(baseUrl + "/tenant/"), CancellationToken.None);

        Assert.Equal(baseUrl + "/tenant", keys.Issuer);
    }

    [Fact]
    public async Task AMissingDiscoveryDocumentIsASetupError()
    {
        var ex = await Assert.ThrowsAsync<TokenValidationSetupException>(() => IssuerKeyLoader.FromIssuerAsync(new Uri(baseUrl + "/nobody"), CancellationToken.None));
        Assert.Contains("answered 404", ex.Message);
    }

    [Fact]
    public async Task PlainHttpIsRefusedOffLoopback()
    {
        var ex = await Assert.ThrowsAsync<TokenValidationSetupException>(() => IssuerKeyLoader.FromIssuerAsync(new Uri("http://issuer.example"), CancellationToken.None));
        Assert.Contains("is not https", ex.Message);
    }

    [Fact]
    public void AJwksFileCanCarryAnExpectedIssuer()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, TestSigner.Jwks(signer));
        try
        {
            var keys = IssuerKeyLoader.FromFile(file, "https://issuer.example");
            Assert.Equal("https://issuer.example", keys.Issuer);
            Assert.Equal(file, keys.Source);
            Assert.Throws<TokenValidationSetupException>(() => IssuerKeyLoader.FromFile(file + ".missing", null));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
