using KubeSandbox.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KubeSandbox.Hosting;

/// <summary>
/// TEMPORARY, until the security side (Security/: ServiceAccount tokens, RBAC) is registered: authenticates only
/// the static admin token (user sandbox-admin, group system:masters) and allows only system:masters, as the real
/// authorizer chain does for that group. Registered with TryAdd so the security registrations win.
/// </summary>
public static class TemporaryAdminOnlySecurity
{
    public static void Register(IServiceCollection services, string adminToken)
    {
        services.TryAddSingleton<IAuthenticator>(new AdminOnlyAuthenticator(adminToken));
        services.TryAddSingleton<IAuthorizer>(new MastersOnlyAuthorizer());
    }

    private sealed class AdminOnlyAuthenticator(string adminToken) : IAuthenticator
    {
        public AuthenticationResult Authenticate(string token, IReadOnlyList<string> audiences) =>
            token == adminToken
                ? new AuthenticationResult(SandboxUsers.Admin, Array.Empty<string>(), null)
                : new AuthenticationResult(null, Array.Empty<string>(), "invalid bearer token");
    }

    private sealed class MastersOnlyAuthorizer : IAuthorizer
    {
        public AuthorizationDecision Authorize(RequestAttributes a) =>
            a.User.Groups.Contains("system:masters")
                ? new AuthorizationDecision(true, "", Array.Empty<string>())
                : new AuthorizationDecision(false, "", Array.Empty<string>());
    }
}

/// <summary>The fixed identities of the sandbox.</summary>
public static class SandboxUsers
{
    public static readonly UserInfo Admin = new("sandbox-admin", "", new[] { "system:masters", "system:authenticated" },
        new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>A request without credentials (k8s.io/apiserver pkg/authentication/request/anonymous).</summary>
    public static readonly UserInfo Anonymous = new("system:anonymous", "", new[] { "system:unauthenticated" },
        new Dictionary<string, IReadOnlyList<string>>());
}
