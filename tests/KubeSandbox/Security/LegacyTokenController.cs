using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.Security;

/// <summary>
/// The tokens controller's part for secret-based tokens (pkg/controller/serviceaccount/tokens_controller.go): a
/// Secret of type <c>kubernetes.io/service-account-token</c> annotated <c>kubernetes.io/service-account.name</c>
/// gets <c>token</c>, <c>ca.crt</c> and <c>namespace</c> data and the <c>kubernetes.io/service-account.uid</c>
/// annotation (record trv-legacy-secret-get-populated). Like the real controller it works after the create has
/// been answered (the create response carries no data); <see cref="PopulateAll"/> fills secrets that were seeded
/// before it started listening.
/// </summary>
public sealed class LegacyTokenController : IDisposable
{
    public const string SecretType = "kubernetes.io/service-account-token";
    public const string NameAnnotation = "kubernetes.io/service-account.name";
    public const string UidAnnotation = "kubernetes.io/service-account.uid";

    private readonly IObjectStore _store;
    private readonly ServiceAccountTokenIssuer _issuer;
    private readonly SecurityOptions _options;
    private readonly bool _synchronous;

    /// <param name="synchronous">Populate inside the store's change event instead of on the thread pool (for
    /// tests with a store that allows re-entrant writes).</param>
    public LegacyTokenController(IObjectStore store, ServiceAccountTokenIssuer issuer, SecurityOptions options, bool synchronous = false)
    {
        _store = store;
        _issuer = issuer;
        _options = options;
        _synchronous = synchronous;
        _store.Changed += OnChanged;
    }

    /// <summary>Fills every secret that needs it (seeded scenarios); returns how many were filled.</summary>
    public int PopulateAll()
    {
        var filled = 0;
        foreach (var secret in _store.List("secrets", null))
        {
            if (NeedsToken(secret) && Populate(KubeObject.Str(secret["metadata"]?["namespace"]) ?? "", KubeObject.Name(secret)))
            {
                filled++;
            }
        }
        return filled;
    }

    private void OnChanged(StoreChange change)
    {
        if (change.Resource == "secrets" && change.Kind != StoreChangeKind.Deleted && NeedsToken(change.Object))
        {
            var ns = change.Namespace ?? "";
            if (_synchronous)
            {
                Populate(ns, change.Name);
            }
            else
            {
                _ = Task.Run(() => Populate(ns, change.Name));
            }
        }
    }

    private static bool NeedsToken(JsonObject secret) =>
        KubeObject.Str(secret["type"]) == SecretType
        && KubeObject.Annotation(secret, NameAnnotation) is { Length: > 0 }
        && (KubeObject.Str(secret["data"]?["token"]) is not { Length: > 0 }
            || KubeObject.Annotation(secret, UidAnnotation) is not { Length: > 0 });

    /// <summary>Writes the token data into one secret; false when its ServiceAccount does not exist (the real
    /// controller waits for it) or the secret is gone.</summary>
    public bool Populate(string ns, string name)
    {
        try
        {
            var secret = _store.Get("secrets", ns, name);
            if (secret is null || !NeedsToken(secret))
            {
                return false;
            }
            var saName = KubeObject.Annotation(secret, NameAnnotation)!;
            var sa = _store.Get("serviceaccounts", ns, saName);
            if (sa is null)
            {
                return false;
            }
            var token = _issuer.IssueLegacy(sa, name);
            var saUid = KubeObject.Uid(sa);
            _store.Mutate("secrets", ns, name, s =>
            {
                var metadata = (JsonObject)s["metadata"]!;
                if (metadata["annotations"] is not JsonObject annotations)
                {
                    annotations = new JsonObject();
                    metadata["annotations"] = annotations;
                }
                annotations[UidAnnotation] = saUid;
                if (s["data"] is not JsonObject data)
                {
                    data = new JsonObject();
                    s["data"] = data;
                }
                if (KubeObject.Str(data["token"]) is not { Length: > 0 })
                {
                    data["ca.crt"] = B64(_options.CaCertificatePem);
                    data["namespace"] = B64(ns);
                    data["token"] = B64(token);
                }
            });
            return true;
        }
        catch (ApiException)
        {
            return false; // deleted meanwhile
        }
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    public void Dispose() => _store.Changed -= OnChanged;
}
