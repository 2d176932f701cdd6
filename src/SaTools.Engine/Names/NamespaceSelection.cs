namespace SaTools.Engine.Names;

/// <summary>
/// Which namespaces a run covers, decided from what the user asked for and, when known, the namespaces that exist.
/// Nothing is dropped silently: a literal name that breaks the namespace rule (<see cref="Invalid"/>), a literal
/// name that does not exist (<see cref="Missing"/>), a wildcard that matched nothing
/// (<see cref="UnmatchedPatterns"/>) and a namespace removed by an exclusion (<see cref="Excluded"/>) are each
/// listed, so the cmdlet can say so. <see cref="NamespaceResolver"/> is the one way cmdlets get one.
/// </summary>
public sealed class NamespaceSelection
{
    private NamespaceSelection(
        IReadOnlyList<string> targets,
        IReadOnlyList<string> missing,
        IReadOnlyList<string> unmatchedPatterns,
        IReadOnlyList<string> excluded,
        IReadOnlyList<InvalidName> invalid,
        IReadOnlyList<string> unverified,
        bool existenceKnown)
    {
        Targets = targets;
        Missing = missing;
        UnmatchedPatterns = unmatchedPatterns;
        Excluded = excluded;
        Invalid = invalid;
        Unverified = unverified;
        ExistenceKnown = existenceKnown;
    }

    /// <summary>The namespaces to process, each once: in the order asked for, the namespaces a wildcard (or all
    /// namespaces) matched in the API's order (<see cref="ListingOrder.Namespaces"/>). Every one is a valid namespace name.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>Literal names the user gave that are not in the cluster's namespace list.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Wildcards that matched no existing namespace (quiet, as for Get-ChildItem).</summary>
    public IReadOnlyList<string> UnmatchedPatterns { get; }

    /// <summary>Namespaces that were requested (or part of all namespaces) but removed by an exclusion.</summary>
    public IReadOnlyList<string> Excluded { get; }

    /// <summary>Literal names that can never name a namespace (not DNS-1123 labels): never sent anywhere.</summary>
    public IReadOnlyList<InvalidName> Invalid { get; }

    /// <summary>Targets taken as given because the namespace list was not read: whether they exist is learnt from
    /// their own requests (<see cref="NamespaceResolver.ExistsAsync"/>).</summary>
    public IReadOnlyList<string> Unverified { get; }

    /// <summary>True when the targets were checked against the cluster's namespace list.</summary>
    public bool ExistenceKnown { get; }

    /// <summary>
    /// Resolves the request. <paramref name="existing"/> is the cluster's namespace list; it may be null when the
    /// request holds only literal names (the caller then need not list namespaces, which a namespaced user may not
    /// be allowed to do): literal names are then taken as they are (<see cref="Unverified"/>). With
    /// <paramref name="listUnavailable"/> (the list was refused) wildcards match nothing instead of being an error.
    /// Nothing requested means <paramref name="defaultNamespace"/> (the connection's namespace), if given.
    /// A malformed wildcard is an <see cref="ArgumentException"/>.
    /// </summary>
    public static NamespaceSelection Resolve(
        IEnumerable<string>? requested,
        bool allNamespaces,
        IEnumerable<string>? exclude,
        IReadOnlyCollection<string>? existing,
        string? defaultNamespace = null,
        bool listUnavailable = false)
    {
        var patterns = (requested ?? []).Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => new NamePattern(p.Trim())).ToList();
        var exclusions = (exclude ?? []).Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => new NamePattern(p.Trim())).ToList();
        if (!allNamespaces && patterns.Count == 0)
        {
            if (string.IsNullOrWhiteSpace(defaultNamespace))
            {
                throw new ArgumentException("Name at least one namespace or ask for all namespaces.", nameof(requested));
            }
            patterns.Add(new NamePattern(defaultNamespace.Trim()));
        }
        if (existing is null && !listUnavailable && (allNamespaces || patterns.Any(p => p.IsWildcard && KubeNames.PatternProblem(NameKind.Namespace, p.Pattern) is null)))
        {
            throw new ArgumentException("The cluster's namespace list is needed to expand wildcards or all namespaces.", nameof(existing));
        }

        var chosen = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var unmatched = new List<string>();
        var invalid = new List<InvalidName>();
        var unverified = new List<string>();
        void Choose(IEnumerable<string> names)
        {
            foreach (var name in names)
            {
                if (seen.Add(name)) chosen.Add(name);
            }
        }

        if (allNamespaces && existing is not null)
        {
            Choose(existing.Order(ListingOrder.Namespaces));
        }
        foreach (var pattern in patterns)
        {
            if ((pattern.IsWildcard ? KubeNames.PatternProblem(NameKind.Namespace, pattern.Pattern) : KubeNames.Problem(NameKind.Namespace, pattern.Pattern)) is { } problem)
            {
                // Never matched, never sent: the name could not be a namespace.
                if (!invalid.Any(i => i.Name == pattern.Pattern)) invalid.Add(new InvalidName(NameKind.Namespace, pattern.Pattern, problem));
                continue;
            }
            if (existing is null)
            {
                if (pattern.IsWildcard)
                {
                    AddOnce(unmatched, pattern.Pattern);
                    continue;
                }
                Choose([pattern.Pattern]);
                AddOnce(unverified, pattern.Pattern);
                continue;
            }
            var matches = existing.Where(pattern.Matches).Order(ListingOrder.Namespaces).ToList();
            if (matches.Count > 0)
            {
                Choose(matches);
            }
            else if (pattern.IsWildcard)
            {
                AddOnce(unmatched, pattern.Pattern);
            }
            else if (!allNamespaces)
            {
                AddOnce(missing, pattern.Pattern);
            }
        }

        var excluded = chosen.Where(ns => exclusions.Any(x => x.Matches(ns))).ToList();
        chosen.RemoveAll(excluded.Contains);
        unverified.RemoveAll(excluded.Contains);
        // A literal name that is both missing and excluded was asked away: not an error.
        missing.RemoveAll(ns => exclusions.Any(x => x.Matches(ns)));
        return new NamespaceSelection(chosen, missing, unmatched, excluded, invalid, unverified, existing is not null);
    }

    private static void AddOnce(List<string> list, string value)
    {
        if (!list.Contains(value, StringComparer.Ordinal))
        {
            list.Add(value);
        }
    }
}
