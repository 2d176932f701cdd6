using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Api;
using SaTools.Engine.Names;
using SaTools.Engine.Rbac;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// What ServiceAccounts may really do, as the API server's RBAC authorizer decides it: every grant (one row per
/// rule, binding and scope) or one summary row per ServiceAccount with risk flags and a RiskLevel. The RBAC
/// objects are read once per invocation (one paged list per kind, each ServiceAccount evaluated as its page arrives:
/// EffectivePermissionReader) or from exported dumps (-InputFile).
/// About 450 lines, most of them its eleven documented parameters and the two ways it reads (rows written while
/// reading for -AllNamespaces, read first otherwise); the rules it applies live in the engine
/// (EffectivePermissionReader, PermissionFilter, GrantVerifier, NamespaceResolver), the file only binds them.
/// </summary>
[Cmdlet(VerbsCommon.Get, "K8sEffectivePermission", DefaultParameterSetName = ParameterSetInNamespaces)]
[OutputType(typeof(EffectivePermission), typeof(EffectivePermissionSummary))]
public sealed class GetK8sEffectivePermissionCommand : K8sCmdletBase
{
    private const string ReadActivity = "Reading RBAC objects";
    private const string EvaluateActivity = "Evaluating effective permissions";

    private readonly HashSet<ServiceAccountRef> _done = new();
    private readonly HashSet<string> _warnedMissingRoles = new(StringComparer.Ordinal);
    private IReadOnlyList<ServiceAccountPermissions>? _serviceAccounts;
    private Dictionary<string, List<ServiceAccountPermissions>>? _byNamespace;
    private PermissionFilter? _filter;
    private GrantVerifier? _verifier;
    private string? _context;
    private int _evaluated;
    private int _serviceAccountsExpected;

    /// <summary>Namespaces of the ServiceAccounts (wildcards allowed). Default: the connection's namespace
    /// (every namespace of the dump with -InputFile).</summary>
    [Parameter(ParameterSetName = ParameterSetInNamespaces, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Namespace { get; set; }

    /// <summary>ServiceAccounts of every namespace.</summary>
    [Parameter(ParameterSetName = ParameterSetAllNamespaces, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>ServiceAccount names (wildcards allowed). Default: all in the namespaces chosen.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ServiceAccount", "ServiceAccountName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Exported state to analyse offline instead of a cluster: <c>kubectl get ... -o json</c> or
    /// <c>-o yaml</c> output (a List or several documents), one or more files merged.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? InputFile { get; set; }

    /// <summary>One row per ServiceAccount with counts, risk flags and RiskLevel instead of one per grant.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>Keep only grants that allow this verb (get, list, create...).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(VerbCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Verb { get; set; }

    /// <summary>Keep only grants that allow this resource: <c>pods</c>, <c>pods/exec</c>, or kubectl's
    /// <c>deployments.apps</c> spelling.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ResourceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Resource { get; set; }

    /// <summary>The API group of -Resource; '' (or leaving it out) is the core group.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? ApiGroup { get; set; }

    /// <summary>Keep only grants that allow the request on this object name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ResourceName { get; set; }

    /// <summary>Keep only grants that allow this non-resource URL (<c>/metrics</c>, <c>/healthz</c>).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NonResourceUrl { get; set; }

    /// <summary>Keep only grants that apply in this namespace (RoleBindings there and every ClusterRoleBinding),
    /// or, with <c>Cluster</c>, only cluster-wide grants (ClusterRoleBindings).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Scope { get; set; }

    /// <summary>Confirm each answer with a SubjectAccessReview and warn where the API server disagrees.</summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    protected override void BeginProcessing()
    {
        // -Scope is 'Cluster' or a namespace: anything else could only ever match nothing (or, for ClusterRoleBindings, everything).
        if (Scope is not null && Scope != EffectiveGrant.ClusterScope && KubeNames.Problem(NameKind.Namespace, Scope) is { } scopeProblem)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Scope '{Scope}' is neither 'Cluster' nor a namespace name: {scopeProblem}."),
                CommandId + "InvalidScope", ErrorCategory.InvalidArgument, Scope));
        }
        _filter = new PermissionFilter
        {
            Verb = Verb,
            Resource = Resource,
            ApiGroup = ApiGroup,
            ResourceName = ResourceName,
            NonResourceUrl = NonResourceUrl,
            Scope = Scope,
        };
        try
        {
            _filter.Validate();
        }
        catch (ArgumentException e)
        {
            // Every refused combination involves -NonResourceUrl, except an empty -Resource.
            ThrowTerminatingError(new ErrorRecord(e, CommandId + "InvalidFilter", ErrorCategory.InvalidArgument, NonResourceUrl ?? Resource));
        }

        if (InputFile is not null && Verify.IsPresent)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Verify asks the cluster's API server and cannot be used with -InputFile, which reads exported files offline."),
                CommandId + "VerifyNeedsCluster", ErrorCategory.InvalidArgument, InputFile));
        }
    }

    protected override void ProcessRecord()
    {
        if (_serviceAccounts is null && WritesWhileReading)
        {
            ReadAndWrite();
            return;
        }

        EnsureLoaded();
        foreach (var account in ResolveTargets())
        {
            if (!_done.Add(account.ServiceAccount))
            {
                continue;
            }

            Write(account);
        }
    }

    protected override void EndProcessing()
    {
        WriteProgress(new ProgressRecord(2, EvaluateActivity, "Done") { RecordType = ProgressRecordType.Completed });
        if (_verifier is not null)
        {
            WriteVerbose($"Sent {_verifier.ReviewsSent} SubjectAccessReview(s).");
        }
    }

    /// <summary>True when the run answers for every ServiceAccount read (-AllNamespaces, or a dump without -Namespace).</summary>
    private bool Unscoped => AllNamespaces.IsPresent || (Namespace is null && InputFile is not null);

    /// <summary>
    /// Whether rows can be written while the pages arrive: -AllNamespaces from a cluster, when nothing has to be
    /// known about the whole answer before the first row (-Name's ServiceAccountNotFound, -Scope's
    /// NamespaceNotFound, -Verify's reviews between rows). The other runs read everything first, as before.
    /// </summary>
    private bool WritesWhileReading =>
        InputFile is null && AllNamespaces.IsPresent && Name is not { Length: > 0 } && !Verify.IsPresent &&
        (Scope is null || Scope == EffectiveGrant.ClusterScope);

    /// <summary>Reads, evaluates and writes at once: each ServiceAccount's rows are written as soon as the engine
    /// hands it out (EffectivePermissionReader.StreamAsync), in the order of a full read.</summary>
    private void ReadAndWrite()
    {
        _context = ContextName;
        var reader = new EffectivePermissionReader(KubeConnection.Api);
        var filter = _filter;
        var summarize = Summary.IsPresent;
        var report = ListProgressReporter(ReadActivity);
        Action<ListProgress> onPage = progress =>
        {
            ExpectServiceAccounts(progress);
            report(progress);
        };
        EffectivePermissions? read = null;
        try
        {
            foreach (var account in Stream(ct => reader.StreamAsync(filter, summarize, onPage, r => read = r, ct)))
            {
                _done.Add(account.ServiceAccount);
                Write(account);
            }
        }
        catch (KubeApiException e)
        {
            // As AwaitRead: GetK8sEffectivePermissionForbidden names the list permission that is missing.
            ThrowKubeError(e, "rbac.authorization.k8s.io");
        }
        finally
        {
            CompleteProgress(ReadActivity);
        }

        WriteReadCounts(read!);
        _serviceAccounts = read!.ServiceAccounts;
    }

    /// <summary>The ServiceAccount list's size as its pages tell it, for the progress of rows written while reading.</summary>
    private void ExpectServiceAccounts(ListProgress progress)
    {
        if (progress.Resource == "serviceaccounts")
        {
            Volatile.Write(ref _serviceAccountsExpected, (int)(progress.ItemsSoFar + (progress.RemainingItemCount ?? 0)));
        }
    }

    private void WriteReadCounts(EffectivePermissions permissions) =>
        WriteVerbose($"RBAC: {permissions.ClusterRoleCount} ClusterRoles, {permissions.ClusterRoleBindingCount} ClusterRoleBindings, " +
                     $"{permissions.RoleCount} Roles, {permissions.RoleBindingCount} RoleBindings, {permissions.ServiceAccountCount} ServiceAccounts.");

    private void EnsureLoaded()
    {
        if (_serviceAccounts is not null)
        {
            return;
        }

        EffectivePermissions permissions;
        if (InputFile is not null)
        {
            var paths = InputFile.Select(GetUnresolvedProviderPathFromPSPath).ToList();
            try
            {
                permissions = EffectivePermissions.Evaluate(RbacManifestLoader.LoadFiles(paths), _filter, Summary.IsPresent);
            }
            catch (RbacManifestException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, CommandId + "InputFileInvalid", ErrorCategory.InvalidData, InputFile));
                return;
            }

            _context = Context ?? "file:" + string.Join(",", paths.Select(Path.GetFileName));
        }
        else
        {
            var onPage = ListProgressReporter(ReadActivity);
            try
            {
                permissions = AwaitRead(onPage);
            }
            finally
            {
                CompleteProgress(ReadActivity);
            }

            _context = ContextName;
            if (Verify.IsPresent)
            {
                _verifier = new GrantVerifier(new AccessReviewer(KubeConnection.Api));
            }
        }

        WriteReadCounts(permissions);
        _serviceAccounts = permissions.ServiceAccounts;
        // A -Scope namespace that does not exist would still collect every ClusterRoleBinding's grants.
        if (Scope is not null && Scope != EffectiveGrant.ClusterScope && !_serviceAccounts.Any(sa => sa.ServiceAccount.Namespace == Scope))
        {
            ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException($"-Scope: the namespace '{Scope}' does not exist{(InputFile is null ? "" : " in the input files")}."),
                CommandId + NamespaceNotFoundProblem, ErrorCategory.ObjectNotFound, Scope));
        }
    }

    private EffectivePermissions AwaitRead(Action<ListProgress> onPage)
    {
        // A 403 ends the run with GetK8sEffectivePermissionForbidden (PermissionDenied); the engine's message names
        // the list permission that is missing.
        var reader = new EffectivePermissionReader(KubeConnection.Api);
        var filter = _filter;
        var summarize = Summary.IsPresent;
        var early = EvaluateWhileReading();
        return Await(ct => reader.ReadAsync(filter, summarize, early, onPage, ct), "rbac.authorization.k8s.io");
    }

    /// <summary>The ServiceAccounts worth evaluating while the pages arrive: every one for an unscoped run, else those
    /// in the namespaces this (first) record names. Others piped in later are evaluated when they come.</summary>
    private Func<ServiceAccountRef, bool>? EvaluateWhileReading()
    {
        if (Unscoped)
        {
            return null;
        }

        var patterns = new List<NamePattern>();
        foreach (var ns in Namespace ?? new[] { KubeConnection.Namespace })
        {
            try
            {
                patterns.Add(new NamePattern(ns.Trim()));
            }
            catch (ArgumentException)
            {
                // Refused with InvalidPattern once the namespaces are resolved; nothing to evaluate early for it.
            }
        }

        return sa => patterns.Exists(p => p.Matches(sa.Namespace));
    }

    private IReadOnlyList<ServiceAccountPermissions> ResolveTargets()
    {
        var inScope = InScope();
        var names = ValidNamesOrPatterns(NameKind.ServiceAccount, Name);
        if (Name is { Length: > 0 } && names.Count == 0)
        {
            return Array.Empty<ServiceAccountPermissions>();
        }

        if (names.Count == 0)
        {
            // No -Name: every account in scope, without matching 22,000 names against no pattern.
            return inScope;
        }

        var namePatterns = names.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var result = inScope.Where(sa => namePatterns.Exists(p => p.IsMatch(sa.ServiceAccount.Name))).ToList();

        // A literal name that matched nothing: say so, rather than answer for an account that does not exist.
        foreach (var name in names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            if (!result.Exists(sa => string.Equals(sa.ServiceAccount.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                var where = Unscoped ? "any namespace" : $"namespace '{string.Join("', '", Namespace ?? new[] { KubeConnection.Namespace })}'";
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"No ServiceAccount '{name}' was found in {where}."),
                    CommandId + "ServiceAccountNotFound", ErrorCategory.ObjectNotFound, name));
            }
        }

        return result;
    }

    /// <summary>The ServiceAccounts of the namespaces this record names (all of them for an unscoped run).</summary>
    private IReadOnlyList<ServiceAccountPermissions> InScope()
    {
        if (Unscoped)
        {
            return _serviceAccounts!;
        }

        // Piped ServiceAccounts are looked up, not searched for: 20,000 records piped in stay linear.
        _byNamespace ??= _serviceAccounts!
            .GroupBy(sa => sa.ServiceAccount.Namespace, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        // The read holds every ServiceAccount (every namespace has its default one): its namespaces are the ones that
        // exist, for the cluster as for a dump, so the one resolver needs no further request.
        var selection = SelectNamespaces(Namespace, _byNamespace.Keys.ToList(), Namespace is null ? KubeConnection.Namespace : null);
        return selection.Targets.SelectMany(n => _byNamespace.TryGetValue(n, out var list) ? list : []).ToList();
    }

    private void Write(ServiceAccountPermissions account)
    {
        _evaluated++;
        if (_evaluated % 250 == 1)
        {
            var total = AllNamespaces.IsPresent ? _serviceAccounts?.Count ?? Volatile.Read(ref _serviceAccountsExpected) : 0;
            var record = new ProgressRecord(2, EvaluateActivity, total > 0 ? $"{_evaluated} of {total} ServiceAccounts" : $"{_evaluated} ServiceAccounts")
            {
                CurrentOperation = account.ServiceAccount.ToString(),
            };
            if (total > 0)
            {
                record.PercentComplete = Math.Min(100, _evaluated * 100 / total);
            }

            WriteProgress(record);
        }

        // Evaluated while the pages arrived (EffectivePermissionReader), or now for an account piped in later.
        var grants = account.Grants;
        if (account.HasMissingRole)
        {
            WarnMissingRoles(grants);
        }

        var verification = VerifyGrants(account.ServiceAccount, grants);
        var verdicts = verification?.Verdicts;

        if (Summary.IsPresent)
        {
            bool? verified = verification?.AllVerified;
            WriteObject(new EffectivePermissionSummary(_context!, account.Summary, verified));
            return;
        }

        for (var i = 0; i < grants.Count; i++)
        {
            var verdict = verdicts?[i];
            WriteObject(new EffectivePermission(_context!, grants[i], verdict?.Verified, verdict?.Detail));
        }
    }

    private void WarnMissingRoles(IReadOnlyList<EffectiveGrant> grants)
    {
        foreach (var grant in grants.Where(g => g.IsMissingRole))
        {
            var binding = grant.BindingNamespace is null ? grant.BindingName : grant.BindingNamespace + "/" + grant.BindingName;
            if (_warnedMissingRoles.Add(grant.BindingKind + "/" + binding))
            {
                WriteWarning($"{grant.BindingKind} '{binding}' references {grant.RoleKind} '{grant.RoleName}', which does not exist: it grants nothing (MissingRole rows).");
            }
        }
    }

    /// <summary>The API server's verdicts on the grants (<see cref="GrantVerifier"/> decides what to ask), with a
    /// warning for each disagreement; null without -Verify, or once a review has failed.</summary>
    private GrantVerification? VerifyGrants(ServiceAccountRef serviceAccount, IReadOnlyList<EffectiveGrant> grants)
    {
        if (_verifier is null)
        {
            return null;
        }

        var verifier = _verifier;
        var filter = _filter!;
        var result = TryAwait(ct => verifier.VerifyAsync(serviceAccount, grants, filter, ct), serviceAccount.ToString(), out var succeeded, "VerifyFailed");
        if (!succeeded || result is null)
        {
            // Usually 403: the caller may not create subjectaccessreviews.authorization.k8s.io. One error is enough.
            WriteWarning("-Verify is switched off for the rest of this run: the SubjectAccessReview failed (see the error). It needs 'create' on subjectaccessreviews.authorization.k8s.io.");
            _verifier = null;
            return null;
        }

        foreach (var disagreement in result.Disagreements)
        {
            WriteWarning(disagreement);
        }

        return result;
    }
}
