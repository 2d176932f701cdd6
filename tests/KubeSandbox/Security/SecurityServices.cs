using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.Security;

/// <summary>
/// The security side of the sandbox, assembled over one store and clock: what the HTTP layer plugs in
/// (authenticator, authorizer, impersonation, create-only handlers, admission checks, OIDC discovery) and the
/// legacy-token controller. Everything reads the store live, so RBAC and token validity follow every write.
/// </summary>
public sealed class SecurityServices : IDisposable
{
    private readonly bool _ownsKey;

    public SecurityServices(IObjectStore store, TimeProvider clock, SecurityOptions? options = null,
        ServiceAccountSigningKey? signingKey = null, bool synchronousControllers = false)
    {
        Options = options ?? new SecurityOptions();
        _ownsKey = signingKey is null;
        SigningKey = signingKey ?? ServiceAccountSigningKey.Generate(Options.SigningAlgorithm);
        var keys = new[] { SigningKey };
        Issuer = new ServiceAccountTokenIssuer(SigningKey, Options);
        Authenticator = new TokenAuthenticator(store, keys, Options, clock);
        RuleResolver = new RbacRuleResolver(store);
        Authorizer = new SandboxAuthorizer(RuleResolver);
        Impersonation = new Impersonation(Authorizer);
        Oidc = new OidcDiscovery(Options, keys);
        TokenRequests = new TokenRequestHandler(store, Issuer, Options, clock);
        CreateHandlers = new IVirtualCreateHandler[]
        {
            TokenRequests,
            new TokenReviewHandler(Authenticator, Options),
            new SelfSubjectReviewHandler(clock),
            new SubjectAccessReviewHandler(Authorizer),
            new LocalSubjectAccessReviewHandler(Authorizer),
            new SelfSubjectAccessReviewHandler(Authorizer),
            new SelfSubjectRulesReviewHandler(Authorizer),
        };
        AdmissionChecks = new IAdmissionCheck[] { new RbacEscalationCheck(Authorizer, RuleResolver) };
        LegacyTokens = new LegacyTokenController(store, Issuer, Options, synchronousControllers);
        LegacyTokenCleaner = new LegacyTokenCleaner(store, clock, Options.Release);
    }

    public SecurityOptions Options { get; }
    public ServiceAccountSigningKey SigningKey { get; }
    public ServiceAccountTokenIssuer Issuer { get; }
    public TokenAuthenticator Authenticator { get; }
    public RbacRuleResolver RuleResolver { get; }
    public SandboxAuthorizer Authorizer { get; }
    public Impersonation Impersonation { get; }
    public OidcDiscovery Oidc { get; }
    public TokenRequestHandler TokenRequests { get; }
    public IReadOnlyList<IVirtualCreateHandler> CreateHandlers { get; }
    public IReadOnlyList<IAdmissionCheck> AdmissionChecks { get; }
    public LegacyTokenController LegacyTokens { get; }
    public LegacyTokenCleaner LegacyTokenCleaner { get; }

    /// <summary>A TokenRequest on behalf of the admin, straight to the handler (for unit tests over an in-memory
    /// store; the HTTP fixture uses SandboxServer.CreateTokenAsync): the token string.</summary>
    public string CreateToken(string ns, string serviceAccount, long? expirationSeconds = null,
        IReadOnlyList<string>? audiences = null, string? boundPod = null)
    {
        var spec = new JsonObject();
        if (expirationSeconds is { } e) spec["expirationSeconds"] = e;
        if (audiences is { Count: > 0 }) spec["audiences"] = KubeObject.ToArray(audiences);
        if (boundPod is not null) spec["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = boundPod };
        var context = new RequestContext(TokenAuthenticator.AdminUser, "create", ns, serviceAccount, new Dictionary<string, string>());
        var response = TokenRequests.Create(context, new JsonObject { ["spec"] = spec });
        return (string)response["status"]!["token"]!;
    }

    public void Dispose()
    {
        LegacyTokens.Dispose();
        if (_ownsKey)
        {
            SigningKey.Dispose();
        }
    }
}
