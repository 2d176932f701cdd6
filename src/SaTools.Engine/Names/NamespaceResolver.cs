using SaTools.Engine.Api;

namespace SaTools.Engine.Names;

/// <summary>
/// The one namespace resolver every cmdlet uses: turns -Namespace (literal names and wildcards), -AllNamespaces,
/// -ExcludeNamespace and the connection's namespace into a <see cref="NamespaceSelection"/>. The cluster's
/// namespace list is read only when a wildcard or all namespaces need it, once per resolver (one per cmdlet
/// invocation). When listing is refused (403, as for a user confined to a few namespaces), literal names still
/// work and <see cref="ListForbidden"/> says why wildcards matched nothing. Whether a namespace taken on trust
/// exists is asked only when its own read suggests it may not (<see cref="ExistsAsync"/>), so a run over existing
/// namespaces costs no extra request.
/// </summary>
public sealed class NamespaceResolver
{
    private readonly KubeApi _api;
    private List<string>? _names;
    private readonly Dictionary<string, bool?> _exists = new(StringComparer.Ordinal);

    public NamespaceResolver(KubeApi api) => _api = api ?? throw new ArgumentNullException(nameof(api));

    /// <summary>The 403 met listing namespaces, if any (then wildcards match nothing).</summary>
    public KubeApiException? ListForbidden { get; private set; }

    /// <summary>Resolves a request. Only a failure no namespace escapes is thrown (a 403 listing namespaces with
    /// <paramref name="allNamespaces"/>, a connection failure); a malformed wildcard is an
    /// <see cref="ArgumentException"/> before any request.</summary>
    public async Task<NamespaceSelection> ResolveAsync(
        IReadOnlyCollection<string>? requested, bool allNamespaces, IReadOnlyCollection<string>? exclude,
        string? defaultNamespace, CancellationToken cancellationToken)
    {
        // Malformed wildcards fail here, before any request.
        foreach (var p in (requested ?? []).Concat(exclude ?? []).Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            _ = new NamePattern(p.Trim());
        }
        // A pattern that can match no namespace name is refused by the selection without listing anything.
        var needsList = allNamespaces || (requested ?? []).Any(p => !string.IsNullOrWhiteSpace(p) && new NamePattern(p.Trim()).IsWildcard
            && KubeNames.PatternProblem(NameKind.Namespace, p.Trim()) is null);
        var existing = needsList ? await ListAsync(cancellationToken).ConfigureAwait(false) : null;
        if (needsList && existing is null && allNamespaces)
        {
            throw ListForbidden!;
        }
        return NamespaceSelection.Resolve(requested, allNamespaces, exclude, existing, defaultNamespace, listUnavailable: needsList && existing is null);
    }

    /// <summary>
    /// Whether a namespace exists: from the list when it was read, else one GET of the namespace (remembered).
    /// Null when the caller may not know (403 on the namespace). Used when a read in a namespace taken on trust
    /// came back empty or 404, to tell a missing namespace from a missing object.
    /// </summary>
    public async Task<bool?> ExistsAsync(string ns, CancellationToken cancellationToken)
    {
        if (_names is not null) return _names.Contains(ns, StringComparer.Ordinal);
        if (_exists.TryGetValue(ns, out var known)) return known;
        bool? exists;
        try
        {
            await _api.GetNamespaceAsync(ns, cancellationToken).ConfigureAwait(false);
            exists = true;
        }
        catch (KubeApiException e) when (e.Kind == KubeErrorKind.NotFound)
        {
            exists = false;
        }
        catch (KubeApiException e) when (e.Kind is KubeErrorKind.Forbidden or KubeErrorKind.InvalidName)
        {
            exists = null;
        }
        _exists[ns] = exists;
        return exists;
    }

    private async Task<List<string>?> ListAsync(CancellationToken cancellationToken)
    {
        if (_names is not null || ListForbidden is not null) return _names;
        try
        {
            var names = new List<string>();
            await foreach (var name in _api.ListNamespaceNamesAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(name);
            }
            _names = names;
        }
        catch (KubeApiException e) when (e.Kind == KubeErrorKind.Forbidden)
        {
            ListForbidden = e;
        }
        return _names;
    }
}
