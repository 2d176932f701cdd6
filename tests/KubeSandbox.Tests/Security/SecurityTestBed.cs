using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Security;

namespace KubeSandbox.Tests.Security;

/// <summary>A store, a frozen clock and the security services over them.</summary>
internal sealed class SecurityTestBed : IDisposable
{
    public SecurityTestBed(SecurityOptions? options = null)
    {
        Clock.Set(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        Services = new SecurityServices(Store, Clock, options ?? new SecurityOptions { CaCertificatePem = "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n", Release = KubernetesRelease.V126 },
            SharedKey, synchronousControllers: true);
    }

    /// <summary>One key for all tests: RSA key generation is the slow part.</summary>
    private static readonly ServiceAccountSigningKey SharedKey = ServiceAccountSigningKey.Generate();

    public InMemoryObjectStore Store { get; } = new();
    public TestClock Clock { get; } = new();
    public SecurityServices Services { get; }

    public static readonly string Api = SecurityOptions.DefaultIssuer;

    public static RequestContext As(UserInfo user, string? ns = null, string? name = null) =>
        new(user, "create", ns, name, new Dictionary<string, string>());

    public static RequestContext Admin(string? ns = null, string? name = null) => As(TokenAuthenticator.AdminUser, ns, name);

    public static UserInfo ServiceAccount(string ns, string name) =>
        new(ServiceAccountUser.Username(ns, name), "", ServiceAccountUser.Groups(ns).Append(ServiceAccountUser.Authenticated).ToArray(),
            new Dictionary<string, IReadOnlyList<string>>());

    public JsonObject RequestToken(string ns, string sa, JsonObject spec) =>
        Services.TokenRequests.Create(Admin(ns, sa), new JsonObject
        {
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["kind"] = "TokenRequest",
            ["spec"] = spec,
        });

    public AuthenticationResult Review(string token, params string[] audiences) =>
        Services.Authenticator.Authenticate(token, audiences);

    public static (JsonObject Header, JsonObject Claims) Decode(string jwt)
    {
        var parts = jwt.Split('.');
        return ((JsonObject)JsonNode.Parse(Base64Url.TryDecode(parts[0])!)!, (JsonObject)JsonNode.Parse(Base64Url.TryDecode(parts[1])!)!);
    }

    public static string Encode(JsonObject o) => Base64Url.Encode(Encoding.UTF8.GetBytes(o.ToJsonString()));

    public void Dispose() => Services.Dispose();
}
