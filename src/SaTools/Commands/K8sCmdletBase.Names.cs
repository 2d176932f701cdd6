using System.Management.Automation;
using SaTools.Engine.Api;
using SaTools.Engine.Names;

namespace SaTools.Commands;

/// <summary>
/// Names and namespaces for every SaTools cmdlet, over the engine's one resolver (Engine/Names): a name is checked
/// by Kubernetes' rule for its kind before any request (<see cref="CheckName"/>), -Namespace is resolved by
/// <see cref="NamespaceResolver"/> (<see cref="SelectNamespaces(IReadOnlyCollection{string}, bool, IReadOnlyCollection{string}, bool)"/>), and a namespace that does not exist is
/// reported once, with the one id <c>&lt;VerbNoun&gt;NamespaceNotFound</c>, whichever way it was found out.
/// <para>
/// The -Namespace/-AllNamespaces/-Name convention every cmdlet follows:
/// <list type="bullet">
/// <item>-Namespace always binds ValueFromPipelineByPropertyName, completes namespaces and refuses null or empty.
/// Cmdlets that list (Get-*, Disable-K8sDefaultAutomount) take several, wildcards allowed, in parameter set
/// <see cref="ParameterSetInNamespaces"/>, defaulting to the connection's namespace; cmdlets that address one
/// object (Set-K8sServiceAccountAutomount, Disable/Remove-K8sLegacyToken) take one literal name, Mandatory (a write
/// names what it writes), and New-K8sBoundToken one, defaulting to the connection's namespace.</item>
/// <item>-AllNamespaces (alias A) is a Mandatory switch of parameter set <see cref="ParameterSetAllNamespaces"/>.</item>
/// <item>Position 0 is what the cmdlet is about: the ServiceAccount -Name for cmdlets that answer per ServiceAccount
/// (Get-K8sServiceAccount, Get-K8sEffectivePermission, New-K8sBoundToken), the -Namespace for cmdlets that work per
/// namespace (Get-K8sLegacyToken, Get-K8sServiceAccountUsage, Disable-K8sDefaultAutomount), and Namespace then Name
/// (0, 1) for cmdlets that address one object.</item>
/// <item>The per-namespace cmdlets also take -Namespace ValueFromPipeline, so namespace names pipe in as strings;
/// the others do not, as a plain string piped to them would be ambiguous (a namespace or a ServiceAccount?).</item>
/// <item>-Name binds ValueFromPipelineByPropertyName; where it names a ServiceAccount it also answers to
/// ServiceAccount and ServiceAccountName, so any SaTools object (and a CSV row of one) pipes in.</item>
/// </list>
/// </para>
/// </summary>
public abstract partial class K8sCmdletBase
{
    /// <summary>The parameter set of -Namespace (the default in every cmdlet that has -AllNamespaces).</summary>
    public const string ParameterSetInNamespaces = "InNamespaces";

    /// <summary>The parameter set of -AllNamespaces.</summary>
    public const string ParameterSetAllNamespaces = "AllNamespaces";

    private NamespaceResolver? _namespaceResolver;
    private KubeApi? _namespaceResolverApi;
    private bool _namespaceListForbiddenReported;
    private readonly HashSet<string> _namespacesReportedMissing = new(StringComparer.Ordinal);

    /// <summary>This invocation's resolver (it remembers the namespace list and namespaces looked up).</summary>
    private NamespaceResolver Resolver
    {
        get
        {
            var api = KubeConnection.Api;
            if (_namespaceResolver is null || !ReferenceEquals(_namespaceResolverApi, api))
            {
                _namespaceResolver = new NamespaceResolver(api);
                _namespaceResolverApi = api;
            }
            return _namespaceResolver;
        }
    }

    /// <summary>Checks a name given by the user (parameter, pipeline property, CSV row) against its kind's rule;
    /// a refused name is a non-terminating <c>&lt;VerbNoun&gt;Invalid&lt;Kind&gt;Name</c> and false.</summary>
    protected bool CheckName(NameKind kind, string? name)
    {
        if (KubeNames.Problem(kind, name) is not { } problem) return true;
        WriteError(InvalidNameRecord(new InvalidName(kind, name ?? "", problem)));
        return false;
    }

    /// <summary>The names of <paramref name="names"/> that are valid literal names or wildcards that can match
    /// one: each other is reported (<see cref="CheckName"/>) and left out. A wildcard is only ever matched against
    /// listed names, never sent.</summary>
    protected List<string> ValidNamesOrPatterns(NameKind kind, IEnumerable<string>? names) =>
        (names ?? []).Where(n => CheckNameOrPattern(kind, n)).ToList();

    /// <summary><see cref="CheckName"/> for a literal name; for a wildcard, whether it can match such a name at all.</summary>
    protected bool CheckNameOrPattern(NameKind kind, string? name)
    {
        if (name is null || !WildcardPattern.ContainsWildcardCharacters(name)) return CheckName(kind, name);
        if (KubeNames.PatternProblem(kind, name) is not { } problem) return true;
        WriteError(InvalidNameRecord(new InvalidName(kind, name, problem)));
        return false;
    }

    /// <summary>The namespaces a -Namespace argument names (see <see cref="SelectNamespaces(IReadOnlyCollection{string}, bool, IReadOnlyCollection{string}, bool)"/>).</summary>
    protected IReadOnlyList<string> ResolveNamespaces(IEnumerable<string>? namespaces) =>
        SelectNamespaces(namespaces?.ToList(), allNamespaces: false, exclude: null, useConnectionNamespace: true).Targets;

    /// <summary>
    /// Resolves -Namespace/-AllNamespaces/-ExcludeNamespace with the engine's resolver and reports what it found:
    /// an invalid literal name is <c>Invalid&lt;Kind&gt;Name</c>, a literal name missing from the namespace list is
    /// <c>NamespaceNotFound</c> (ObjectNotFound, the name as target, as Get-Item does for a missing path), a 403 on
    /// listing namespaces one <c>NamespaceListForbidden</c> (the literal names still work), a wildcard that matches
    /// nothing only a verbose line (as Get-ChildItem with a wildcard). A malformed wildcard ('a[]') terminates with
    /// <c>InvalidPattern</c> before any request, as does a failure no namespace escapes.
    /// </summary>
    protected NamespaceSelection SelectNamespaces(IReadOnlyCollection<string>? namespaces, bool allNamespaces,
        IReadOnlyCollection<string>? exclude, bool useConnectionNamespace)
    {
        RefuseInvalidPatterns((namespaces ?? []).Concat(exclude ?? []));
        var defaultNamespace = useConnectionNamespace ? KubeConnection.Namespace : null;
        var resolver = Resolver;
        NamespaceSelection selection;
        try
        {
            selection = AwaitCore(ct => resolver.ResolveAsync(namespaces, allNamespaces, exclude, defaultNamespace, ct));
        }
        catch (KubeApiException e)
        {
            ThrowKubeError(e, "namespaces");
            throw; // not reached
        }
        if (resolver.ListForbidden is { } forbidden && !_namespaceListForbiddenReported)
        {
            _namespaceListForbiddenReported = true;
            WriteKubeError(forbidden, "namespaces", "NamespaceListForbidden");
        }
        ReportSelection(selection);
        return selection;
    }

    /// <summary>Resolves -Namespace against namespaces the cmdlet already holds (Get-K8sEffectivePermission's RBAC
    /// snapshot or dump) and reports as <see cref="SelectNamespaces(IReadOnlyCollection{string}?, bool, IReadOnlyCollection{string}?, bool)"/> does.</summary>
    protected NamespaceSelection SelectNamespaces(IReadOnlyCollection<string>? namespaces, IReadOnlyCollection<string> existing, string? defaultNamespace)
    {
        RefuseInvalidPatterns(namespaces ?? []);
        var selection = NamespaceSelection.Resolve(namespaces, allNamespaces: false, exclude: null, existing, defaultNamespace);
        ReportSelection(selection);
        return selection;
    }

    /// <summary>Writes what a selection refused or missed (see <see cref="SelectNamespaces(IReadOnlyCollection{string}, bool, IReadOnlyCollection{string}, bool)"/>); for a cmdlet that
    /// resolves against namespaces it already holds (Get-K8sEffectivePermission's RBAC snapshot).</summary>
    private void ReportSelection(NamespaceSelection selection)
    {
        foreach (var invalid in selection.Invalid)
        {
            WriteError(InvalidNameRecord(invalid));
        }
        foreach (var ns in selection.Missing)
        {
            ReportMissingNamespace(ns);
        }
        foreach (var pattern in selection.UnmatchedPatterns)
        {
            WriteVerbose($"No namespace matches '{pattern}'.");
        }
    }

    /// <summary>
    /// After a read in <paramref name="ns"/> came back empty or 404: true when the namespace exists (or the caller
    /// may not know: 403); false, after a <c>NamespaceNotFound</c> error, when it does not. Costs one GET of the
    /// namespace at most once per invocation, and none when the namespace list was read.
    /// </summary>
    protected bool ConfirmNamespace(string ns)
    {
        if (_namespacesReportedMissing.Contains(ns)) return false;
        if (!KubeNames.IsValid(NameKind.Namespace, ns)) return true;
        var resolver = Resolver;
        bool? exists;
        try
        {
            exists = AwaitCore(ct => resolver.ExistsAsync(ns, ct));
        }
        catch (KubeApiException e) when (!IsFatal(e))
        {
            return true;
        }
        catch (KubeApiException e)
        {
            ThrowKubeError(e, ns);
            throw; // not reached
        }
        if (exists != false) return true;
        ReportMissingNamespace(ns);
        return false;
    }

    private void ReportMissingNamespace(string ns)
    {
        if (_namespacesReportedMissing.Add(ns)) WriteNamespaceNotFound(ns);
    }

    /// <summary>A malformed wildcard ("a[]") is a parameter error before any request, not an exception later.</summary>
    private void RefuseInvalidPatterns(IEnumerable<string> patterns)
    {
        foreach (var pattern in patterns.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            try
            {
                _ = new NamePattern(pattern.Trim());
            }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, CommandId + "InvalidPattern", ErrorCategory.InvalidArgument, pattern));
            }
        }
    }
}
