using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.Security;

/// <summary>
/// <c>POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token</c>, as pkg/registry/core/serviceaccount/storage/token.go
/// TokenREST.Create: the ServiceAccount must exist, <c>expirationSeconds</c> defaults to 3600 and may not be under
/// 600 (pkg/apis/authentication/validation ValidateTokenRequest, 422 with an empty name), audiences default to
/// the API audiences, a bound Pod/Secret/Node must exist (and a Pod run as this ServiceAccount, and match a
/// given uid), a configured maximum caps the lifetime silently, and a pod-bound API-audience request for exactly
/// 3607 s gets a one-year token with <c>warnafter</c> (the projected-token transition).
/// </summary>
public sealed class TokenRequestHandler : IVirtualCreateHandler
{
    /// <summary>pkg/serviceaccount/claims.go: the kubelet's default projected-token lifetime, which triggers the
    /// extension, and the extended lifetime.</summary>
    public const long WarnOnlyBoundTokenExpirationSeconds = 60 * 60 + 7;
    public const long ExpirationExtensionSeconds = 24 * 365 * 60 * 60;
    public const long DefaultExpirationSeconds = 3600;

    private const string AuthGroup = "authentication.k8s.io";

    private readonly IObjectStore _store;
    private readonly ServiceAccountTokenIssuer _issuer;
    private readonly SecurityOptions _options;
    private readonly TimeProvider _clock;

    public TokenRequestHandler(IObjectStore store, ServiceAccountTokenIssuer issuer, SecurityOptions options, TimeProvider clock)
    {
        _store = store;
        _issuer = issuer;
        _options = options;
        _clock = clock;
    }

    public string Group => "";
    public string Version => "v1";
    public string Resource => "serviceaccounts";
    public string? Subresource => "token";
    public bool Namespaced => true;
    public string Kind => "TokenRequest";
    public string BodyGroup => AuthGroup;

    public JsonObject Create(RequestContext context, JsonObject body)
    {
        if (ApiErrors.WrongKind(body, AuthGroup, "v1", Kind) is { } wrongKind)
        {
            throw wrongKind;
        }
        TypedDecode.Check(body, Kind, TypedDecode.TokenRequest);
        var ns = context.Namespace ?? throw ApiErrors.BadRequest("namespace is required");
        var name = context.Name ?? "";
        var bodyName = KubeObject.Str(body["metadata"]?["name"]) ?? "";
        var bodyNamespace = KubeObject.Str(body["metadata"]?["namespace"]) ?? "";
        if (bodyName.Length > 0 && bodyName != name)
        {
            throw ApiErrors.Invalid(Kind, AuthGroup, name,
                FieldError.Invalid("metadata.name", GoFormat.Quote(bodyName), "must match the service account name if specified"));
        }
        if (bodyNamespace.Length > 0 && bodyNamespace != ns)
        {
            throw ApiErrors.Invalid(Kind, AuthGroup, name,
                FieldError.Invalid("metadata.namespace", GoFormat.Quote(bodyNamespace), "must match the service account namespace if specified"));
        }

        var sa = _store.Get("serviceaccounts", ns, name) ?? throw ApiErrors.NotFound("serviceaccounts", "", name);

        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var audiences = KubeObject.Strings(spec["audiences"]);
        if (audiences.Count == 0)
        {
            audiences = _options.ApiAudiences.ToList();
        }
        long expirationSeconds = DefaultExpirationSeconds;
        if (KubeObject.Long(spec["expirationSeconds"]) is { } requestedSeconds)
        {
            expirationSeconds = requestedSeconds;
        }
        var now = _clock.GetUtcNow();
        var nowSeconds = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());

        if (expirationSeconds < 600)
        {
            throw ApiErrors.Invalid(Kind, AuthGroup, "",
                FieldError.Invalid("spec.expirationSeconds", expirationSeconds.ToString(CultureInfo.InvariantCulture), "may not specify a duration less than 10 minutes"));
        }
        if (expirationSeconds > 1L << 32)
        {
            throw ApiErrors.Invalid(Kind, AuthGroup, "",
                FieldError.Invalid("spec.expirationSeconds", expirationSeconds.ToString(CultureInfo.InvariantCulture), "may not specify a duration larger than 2^32 seconds"));
        }

        JsonObject? pod = null, secret = null, node = null;
        var boundRef = spec["boundObjectRef"] as JsonObject;
        if (boundRef is not null)
        {
            var refKind = KubeObject.Str(boundRef["kind"]) ?? "";
            var refApiVersion = KubeObject.Str(boundRef["apiVersion"]) ?? "";
            var refName = KubeObject.Str(boundRef["name"]) ?? "";
            var refUid = KubeObject.Str(boundRef["uid"]) ?? "";
            // schema.FromAPIVersionAndKind: only the group is checked, not the version.
            var refGroup = refApiVersion.Contains('/') ? refApiVersion[..refApiVersion.IndexOf('/')] : "";
            var refVersion = refApiVersion.Contains('/') ? refApiVersion[(refApiVersion.IndexOf('/') + 1)..] : refApiVersion;
            string uid;
            switch (refKind)
            {
                case "Pod" when refGroup.Length == 0:
                    pod = _store.Get("pods", ns, refName) ?? throw ApiErrors.NotFound("pods", "", refName);
                    if (KubeObject.Str(pod["spec"]?["serviceAccountName"]) != name)
                    {
                        throw ApiErrors.BadRequest($"cannot bind token for serviceaccount {GoFormat.Quote(name)} to pod running with different serviceaccount name.");
                    }
                    uid = KubeObject.Uid(pod);
                    // ServiceAccountTokenPodNodeInfo: the pod's node rides along when it exists (a missing node
                    // leaves the claim out, as token.go does).
                    if (_options.Release.PodBoundTokensCarryNode && KubeObject.Str(pod["spec"]?["nodeName"]) is { Length: > 0 } nodeName)
                    {
                        node = TryGet("nodes", null, nodeName);
                    }
                    break;
                case "Node" when refGroup.Length == 0 && _options.Release.NodeBoundTokens:
                    node = TryGet("nodes", null, refName) ?? throw ApiErrors.NotFound("nodes", "", refName);
                    uid = KubeObject.Uid(node);
                    break;
                case "Secret" when refGroup.Length == 0:
                    secret = _store.Get("secrets", ns, refName) ?? throw ApiErrors.NotFound("secrets", "", refName);
                    uid = KubeObject.Uid(secret);
                    break;
                default:
                    throw ApiErrors.BadRequest($"cannot bind token to object of type {refGroup}/{refVersion}, Kind={refKind}");
            }
            if (refUid.Length > 0 && refUid != uid)
            {
                throw new ApiException(409, "Conflict",
                    $"Operation cannot be fulfilled on {refKind} {GoFormat.Quote(refName)}: the UID in the bound object reference ({refUid}) does not match the UID in record. The object might have been deleted and then recreated",
                    new JsonObject { ["name"] = refName, ["kind"] = refKind });
            }
        }

        if (_options.MaxTokenExpirationSeconds > 0 && expirationSeconds > _options.MaxTokenExpirationSeconds)
        {
            expirationSeconds = _options.MaxTokenExpirationSeconds;
        }

        var tokenLifetime = expirationSeconds;
        long warnAfter = 0;
        if (_options.ExtendTokenExpiration && pod is not null && expirationSeconds == WarnOnlyBoundTokenExpirationSeconds
            && audiences.All(_options.ApiAudiences.Contains))
        {
            warnAfter = expirationSeconds;
            tokenLifetime = ExpirationExtensionSeconds;
        }

        var token = _issuer.IssueBound(sa, pod, pod is null ? secret : null, node, tokenLifetime, warnAfter, audiences, nowSeconds);

        JsonNode? outRef = null;
        if (boundRef is not null)
        {
            var r = new JsonObject();
            foreach (var key in new[] { "kind", "apiVersion", "name", "uid" })
            {
                if (KubeObject.Str(boundRef[key]) is { Length: > 0 } v)
                {
                    r[key] = v;
                }
            }
            outRef = r;
        }
        return new JsonObject
        {
            ["kind"] = Kind,
            ["apiVersion"] = AuthGroup + "/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["creationTimestamp"] = Rfc3339(nowSeconds),
            },
            ["spec"] = new JsonObject
            {
                ["audiences"] = KubeObject.ToArray(audiences),
                ["expirationSeconds"] = expirationSeconds,
                ["boundObjectRef"] = outRef,
            },
            ["status"] = new JsonObject
            {
                ["token"] = token,
                ["expirationTimestamp"] = Rfc3339(nowSeconds.AddSeconds(expirationSeconds)),
            },
        };
    }

    internal static string Rfc3339(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private JsonObject? TryGet(string resource, string? ns, string name)
    {
        try
        {
            return _store.Get(resource, ns, name);
        }
        catch (ApiException)
        {
            return null; // a store that serves no such resource (the sandbox has no nodes)
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }
}
