namespace SaTools.Engine.Automount;

/// <summary>
/// Which namespaces a run covers, decided from what the user asked for and the namespaces that exist.
/// Nothing is dropped silently: every namespace the user named but that does not exist, every wildcard that
/// matched nothing, and every namespace removed by an exclusion is listed, so the cmdlet can say so.
/// </summary>
public sealed class NamespaceSelection
{
    private NamespaceSelection(
        IReadOnlyList<string> targets,
        IReadOnlyList<string> missing,
        IReadOnlyList<string> unmatchedPatterns,
        IReadOnlyList<string> excluded)
    {
        Targets = targets;
        Missing = missing;
        UnmatchedPatterns = unmatchedPatterns;
        Excluded = excluded;
    }

    /// <summary>The namespaces to process, each once, in name order.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>Literal names the user gave that are not in the cluster (each gets a Failed row).</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Wildcards that matched no existing namespace.</summary>
    public IReadOnlyList<string> UnmatchedPatterns { get; }

    /// <summary>Namespaces that were requested (or part of all namespaces) but removed by an exclusion.</summary>
    public IReadOnlyList<string> Excluded { get; }

    /// <summary>
    /// Resolves the request. <paramref name="existing"/> is the cluster's namespace list; it may be null when the
    /// request holds only literal names (the caller then need not list namespaces, which a namespaced user may
    /// not be allowed to do), in which case literal names are taken as they are and existence is decided later
    /// by reading each default ServiceAccount.
    /// </summary>
    public static NamespaceSelection Resolve(
        IEnumerable<string>? requested,
        bool allNamespaces,
        IEnumerable<string>? exclude,
        IReadOnlyCollection<string>? existing)
    {
        var patterns = (requested ?? []).Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => new NamePattern(p.Trim())).ToList();
        var exclusions = (exclude ?? []).Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => new NamePattern(p.Trim())).ToList();
        if (!allNamespaces && patterns.Count == 0)
        {
            throw new ArgumentException("Name at least one namespace or ask for all namespaces.", nameof(requested));
        }
        if (existing is null && (allNamespaces || patterns.Any(p => p.IsWildcard)))
        {
            throw new ArgumentException("The cluster's namespace list is needed to expand wildcards or all namespaces.", nameof(existing));
        }

        var chosen = new SortedSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var unmatched = new List<string>();
        if (allNamespaces)
        {
            chosen.UnionWith(existing!);
        }
        foreach (var pattern in patterns)
        {
            if (existing is null)
            {
                chosen.Add(pattern.Pattern);
                continue;
            }
            var matches = existing.Where(pattern.Matches).ToList();
            if (matches.Count > 0)
            {
                chosen.UnionWith(matches);
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
        chosen.ExceptWith(excluded);
        // A literal name that is both missing and excluded was asked away: not an error.
        missing.RemoveAll(ns => exclusions.Any(x => x.Matches(ns)));
        return new NamespaceSelection(chosen.ToList(), missing, unmatched, excluded);
    }

    private static void AddOnce(List<string> list, string value)
    {
        if (!list.Contains(value, StringComparer.Ordinal))
        {
            list.Add(value);
        }
    }
}
