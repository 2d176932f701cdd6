using k8s;
using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Names;
using SaTools.Engine.Automount;

namespace SaTools.Engine.LegacyTokens;

/// <summary>
/// Finds legacy token Secrets and retires them. Secrets are listed with the <c>type</c> field selector
/// (pkg/registry/core/secret/strategy.go, SelectableFields), so other Secrets are never fetched; their data is
/// dropped as soon as a page arrives and never reaches a result.
/// </summary>
public sealed class LegacyTokenService
{
    private readonly KubeApi _api;
    private readonly Func<DateTime> _utcNow;

    public LegacyTokenService(KubeApi api, Func<DateTime>? utcNow = null)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        _utcNow = utcNow ?? (() => DateTime.UtcNow);
    }

    /// <summary>
    /// The legacy tokens of one namespace, or of all namespaces when <paramref name="namespace"/> is null (then
    /// three lists in all: Secrets, ServiceAccounts, pods), optionally only those of one ServiceAccount.
    /// <paramref name="onPage"/> is told of every page read (for progress).
    /// </summary>
    public async Task<IReadOnlyList<LegacyTokenInfo>> ListAsync(string? @namespace, string? serviceAccount, CancellationToken cancellationToken,
        Action<ListProgress>? onPage = null)
    {
        // The ServiceAccounts and pods are read only once a matching legacy token shows up (none: no more
        // requests), and then beside the rest of the Secrets.
        await using var lists = _api.StartLists(cancellationToken);
        Task<List<V1ServiceAccount>>? sasRead = null;
        Task<List<V1Pod>>? podsRead = null;
        var matchingRead = lists.Read(t => _api.ListSecretsAsync(@namespace, $"type={LegacyTokenLabels.SecretType}", onPage, t), s =>
        {
            s.Data = null; // the token: never kept
            s.StringData = null;
            if (!LegacyTokenClassifier.IsLegacyToken(s) || (serviceAccount is not null && ServiceAccountOf(s) != serviceAccount))
            {
                return null;
            }
            if (sasRead is null)
            {
                sasRead = lists.Read(t => _api.ListServiceAccountsAsync(@namespace, null, onPage, t), sa => sa);
                podsRead = lists.Read(t => _api.ListPodsAsync(@namespace, null, onPage, t), p => p);
            }
            return s;
        });
        await lists.WhenAllAsync().ConfigureAwait(false);
        var matching = matchingRead.Result;
        if (matching.Count == 0 || sasRead is null || podsRead is null)
        {
            return Array.Empty<LegacyTokenInfo>();
        }
        var sas = sasRead.Result;
        var pods = podsRead.Result;
        var sasByNs = sas.ToLookup(sa => sa.Metadata?.NamespaceProperty ?? string.Empty);
        var podsByNs = pods.ToLookup(p => p.Metadata?.NamespaceProperty ?? string.Empty);
        var now = _utcNow();
        return matching
            .Select(s => LegacyTokenClassifier.Classify(s, sasByNs[s.Metadata?.NamespaceProperty ?? string.Empty],
                podsByNs[s.Metadata?.NamespaceProperty ?? string.Empty], now))
            .Order(ListingOrder.By<LegacyTokenInfo>(i => i.Namespace, i => i.Name))
            .ToList();
    }

    /// <summary>
    /// Reads one Secret and its namespace's ServiceAccounts and pods fresh, just before retiring it, so the mount
    /// check sees the cluster as it is now. Throws <see cref="KubeApiException"/> (NotFound when gone) and
    /// <see cref="ArgumentException"/> when the Secret is not a legacy token.
    /// </summary>
    public async Task<LegacyTokenInfo> InspectAsync(string @namespace, string name, NamespaceCache cache, CancellationToken cancellationToken)
    {
        var secret = await _api.GetSecretAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        secret.Data = null;
        secret.StringData = null;
        if (!LegacyTokenClassifier.IsLegacyToken(secret))
        {
            throw new ArgumentException($"The Secret {@namespace}/{name} is of type '{secret.Type}', not {LegacyTokenLabels.SecretType}: it is not a legacy ServiceAccount token.");
        }
        var (sas, pods) = await cache.GetAsync(@namespace, cancellationToken).ConfigureAwait(false);
        return LegacyTokenClassifier.Classify(secret, sas, pods, _utcNow());
    }

    /// <summary>Adds the invalid-since label (merge patch of that label only), through the engine's one write policy
    /// (<see cref="WriteWithReadBack"/>): after a reply that leaves the outcome open, the Secret is read back, and the
    /// label there means the write landed.</summary>
    public Task InvalidateAsync(LegacyTokenInfo token, CancellationToken cancellationToken) =>
        WriteWithReadBack.RunAsync(new WriteSteps<bool>
        {
            Send = async ct =>
            {
                await _api.CallAsync((c, t) => c.CoreV1.PatchNamespacedSecretAsync(
                    new V1Patch(LegacyTokenRetirement.InvalidatePatch(_utcNow()), V1Patch.PatchType.MergePatch),
                    KubeApi.PathSegment(NameKind.Secret, token.Name), KubeApi.Ns(token.Namespace), cancellationToken: t), ct).ConfigureAwait(false);
                return true;
            },
            ReadBack = async ct =>
            {
                var now = await _api.GetSecretAsync(token.Namespace, token.Name, ct).ConfigureAwait(false);
                return (now.Metadata?.Labels?.ContainsKey(LegacyTokenLabels.InvalidSinceLabel) == true, true);
            },
        }, cancellationToken);

    /// <summary>Deletes the Secret, on condition that it is still the object inspected (uid precondition), so a
    /// Secret recreated under the same name in between is not deleted unseen (that is a 409, and the error). After
    /// a reply that leaves the outcome open, the Secret is read back: gone (or another object under the name)
    /// means the delete landed.</summary>
    public Task RemoveAsync(LegacyTokenInfo token, CancellationToken cancellationToken) =>
        WriteWithReadBack.RunAsync(new WriteSteps<bool>
        {
            Send = async ct =>
            {
                await _api.CallAsync((c, t) => c.CoreV1.DeleteNamespacedSecretAsync(KubeApi.PathSegment(NameKind.Secret, token.Name), KubeApi.Ns(token.Namespace),
                    new V1DeleteOptions { Preconditions = string.IsNullOrEmpty(token.Uid) ? null : new V1Preconditions { Uid = token.Uid } },
                    cancellationToken: t), ct).ConfigureAwait(false);
                return true;
            },
            ReadBack = async ct =>
            {
                try
                {
                    var now = await _api.GetSecretAsync(token.Namespace, token.Name, ct).ConfigureAwait(false);
                    return (!string.IsNullOrEmpty(token.Uid) && now.Metadata?.Uid != token.Uid, true);
                }
                catch (KubeApiException gone) when (gone.Kind == KubeErrorKind.NotFound)
                {
                    return (true, true);
                }
            },
        }, cancellationToken);

    /// <summary>A cmdlet invocation's per-namespace lists, read once each.</summary>
    public NamespaceCache NewNamespaceCache() => new(_api);

    private static string? ServiceAccountOf(V1Secret s)
    {
        string? name = null;
        s.Metadata?.Annotations?.TryGetValue(LegacyTokenLabels.ServiceAccountNameAnnotation, out name);
        return name;
    }

    /// <summary>
    /// The ServiceAccounts and pods of each namespace, read once per cmdlet invocation: a pipeline of many Secrets
    /// costs one GET per Secret plus two lists per namespace. The lists are as fresh as the invocation, which is
    /// what "still mounted" is checked against.
    /// </summary>
    public sealed class NamespaceCache
    {
        private readonly KubeApi _api;
        private readonly Dictionary<string, (IReadOnlyList<V1ServiceAccount>, IReadOnlyList<V1Pod>)> _byNamespace = new(StringComparer.Ordinal);

        internal NamespaceCache(KubeApi api) => _api = api;

        internal async Task<(IReadOnlyList<V1ServiceAccount> ServiceAccounts, IReadOnlyList<V1Pod> Pods)> GetAsync(string ns, CancellationToken cancellationToken)
        {
            if (_byNamespace.TryGetValue(ns, out var lists))
            {
                return lists;
            }
            await using var read = _api.StartLists(cancellationToken);
            var sas = read.Read(t => _api.ListServiceAccountsAsync(ns, null, null, t), sa => sa);
            var pods = read.Read(t => _api.ListPodsAsync(ns, null, null, t), p => p);
            await read.WhenAllAsync().ConfigureAwait(false);
            lists = (sas.Result, pods.Result);
            _byNamespace[ns] = lists;
            return lists;
        }
    }
}
