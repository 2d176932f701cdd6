using System.Text;
using KubeSandbox.Api;
using KubeSandbox.Hosting;
using KubeSandbox.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace KubeSandbox.Security;

/// <summary>
/// Plugs the security side into the sandbox's composition: the authenticator (admin token + ServiceAccount
/// tokens), the authorizer chain (system:masters, RBAC), the create-only handlers (TokenRequest, TokenReview,
/// SelfSubjectReview, the access reviews), RBAC escalation admission, the OIDC discovery endpoints and the legacy
/// token controller.
/// </summary>
public static class SecurityRegistration
{
    public static IServiceCollection AddSandboxSecurity(this IServiceCollection services, SandboxOptions options)
    {
        services.AddSingleton(sp =>
        {
            var identity = sp.GetRequiredService<ServerIdentity>();
            var securityOptions = new SecurityOptions
            {
                AdminToken = identity.AdminToken,
                ExternalAddress = "https://" + identity.AdvertisedAddress,
                CaCertificatePem = identity.CaCertificatePem,
                MaxTokenExpirationSeconds = options.MaxTokenExpirationSeconds,
                Release = KubernetesRelease.Parse(options.KubernetesVersion),
                SigningAlgorithm = options.SigningAlgorithm,
            };
            return new SecurityServices(sp.GetRequiredService<IObjectStore>(),
                sp.GetRequiredService<SandboxClock>(), securityOptions,
                synchronousControllers: true);
        });
        services.AddSingleton<IAuthenticator>(sp => sp.GetRequiredService<SecurityServices>().Authenticator);
        services.AddSingleton<IAuthorizer>(sp => sp.GetRequiredService<SecurityServices>().Authorizer);
        foreach (var resource in new[] { "serviceaccounts", "tokenreviews", "selfsubjectreviews", "subjectaccessreviews",
                     "localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews" })
        {
            services.AddSingleton<IVirtualCreateHandler>(sp =>
                sp.GetRequiredService<SecurityServices>().CreateHandlers.Single(h => h.Resource == resource));
        }
        services.AddSingleton<IAdmissionCheck>(sp => sp.GetRequiredService<SecurityServices>().AdmissionChecks.Single());
        services.AddSingleton<INonResourceHandler>(sp => new OidcEndpoint(OidcDiscovery.ConfigurationPath, sp.GetRequiredService<SecurityServices>().Oidc));
        services.AddSingleton<INonResourceHandler>(sp => new OidcEndpoint(OidcDiscovery.JwksPath, sp.GetRequiredService<SecurityServices>().Oidc));
        services.AddSingleton<ISandboxController>(sp => new LegacyTokenControllerStarter(sp.GetRequiredService<SecurityServices>().LegacyTokens));
        return services;
    }

    private sealed class OidcEndpoint(string path, OidcDiscovery discovery) : INonResourceHandler
    {
        public string Path => path;

        public NonResourceResponse Handle(RequestContext context, string? accept)
        {
            var r = discovery.Serve(path, accept);
            return new NonResourceResponse(r.Status, r.ContentType, Encoding.UTF8.GetBytes(r.Body.ToJsonString()));
        }
    }

    /// <summary>Fills legacy token Secrets already stored when the controllers start; later ones come through
    /// the store's change events.</summary>
    private sealed class LegacyTokenControllerStarter(LegacyTokenController controller) : ISandboxController
    {
        public void Start() => controller.PopulateAll();
    }
}
