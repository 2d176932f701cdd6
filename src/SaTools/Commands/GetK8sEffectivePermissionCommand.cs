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
/// objects are read once per invocation (one paged list per kind) or from exported dumps (-InputFile).
/// About 340 lines, most of them its eleven documented parameters; the rules it applies live in the engine
/// (EffectivePermissionEvaluator, PermissionFilter, GrantVerifier, NamespaceResolver), the file only binds them.
/// </summary>
[Cmdlet(VerbsCommon.Get, "K8sEffectivePermission", DefaultParameterSetName = ParameterSetInNamespaces)]
[OutputType(typeof(EffectivePermission), typeof(EffectivePermissionSummary))]
public sealed class GetK8sEffectivePermissionCommand : K8sCmdletBase
{
    private const string ReadActivity = "Reading RBAC objects";
    private const string EvaluateActivity = "Evaluating effective permissions";

    private readonly HashSet<ServiceAccountRef> _done = new();
    private readonly HashSet<string> _warnedMissingRoles = new(StringComparer.Ordinal);
    private EffectivePermissionEvaluator? _evaluator;
    private IReadOnlyList<ServiceAccountRef>? _serviceAccounts;
    private Dictionary<string, List<ServiceAccountRef>>? _byNamespace;
    private PermissionFilter? _filter;
    private GrantVerifier? _verifier;
    private string? _context;
    private int _evaluated;

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
        EnsureLoaded();
        foreach (var serviceAccount in ResolveTargets())
        {
            if (!_done.Add(serviceAccount))
            {
                continue;
            }

            Evaluate(serviceAccount);
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

    private void EnsureLoaded()
    {
        if (_evaluator is not null)
        {
            return;
        }

        RbacSnapshot snapshot;
        if (InputFile is not null)
        {
            var paths = InputFile.Select(GetUnresolvedProviderPathFromPSPath).ToList();
            try
            {
                snapshot = RbacManifestLoader.LoadFiles(paths);
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
                snapshot = AwaitRead(onPage);
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

        WriteVerbose($"RBAC: {snapshot.ClusterRoleCount} ClusterRoles, {snapshot.ClusterRoleBindingCount} ClusterRoleBindings, " +
                     $"{snapshot.RoleCount} Roles, {snapshot.RoleBindingCount} RoleBindings, {snapshot.ServiceAccountCount} ServiceAccounts.");
        _evaluator = new EffectivePermissionEvaluator(new RbacIndex(snapshot));
        _serviceAccounts = snapshot.ServiceAccounts;
        // A -Scope namespace that does not exist would still collect every ClusterRoleBinding's grants.
        if (Scope is not null && Scope != EffectiveGrant.ClusterScope && !_serviceAccounts.Any(sa => sa.Namespace == Scope))
        {
            ThrowTerminatingError(new ErrorRecord(new ItemNotFoundException($"-Scope: the namespace '{Scope}' does not exist{(InputFile is null ? "" : " in the input files")}."),
                CommandId + NamespaceNotFoundProblem, ErrorCategory.ObjectNotFound, Scope));
        }
        // Piped ServiceAccounts are looked up, not searched for: 20,000 records piped in stay linear.
        _byNamespace = _serviceAccounts
            .GroupBy(sa => sa.Namespace, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
    }

    private RbacSnapshot AwaitRead(Action<ListProgress> onPage)
    {
        // A 403 ends the run with GetK8sEffectivePermissionForbidden (PermissionDenied); the engine's message names
        // the list permission that is missing.
        var reader = new RbacSnapshotReader(KubeConnection.Api);
        return Await(ct => reader.ReadAsync(includeServiceAccounts: true, onPage, ct), "rbac.authorization.k8s.io");
    }

    private IEnumerable<ServiceAccountRef> ResolveTargets()
    {
        var all = _serviceAccounts!;
        IEnumerable<ServiceAccountRef> inScope;
        var scoped = !(AllNamespaces.IsPresent || (Namespace is null && InputFile is not null));
        if (!scoped)
        {
            inScope = all;
        }
        else
        {
            // The snapshot holds every ServiceAccount (every namespace has its default one): its namespaces are the
            // ones that exist, for the cluster as for a dump, so the one resolver needs no further request.
            var selection = SelectNamespaces(Namespace, _byNamespace!.Keys.ToList(), Namespace is null ? KubeConnection.Namespace : null);
            inScope = selection.Targets.SelectMany(n => _byNamespace.TryGetValue(n, out var list) ? list : new List<ServiceAccountRef>());
        }

        var names = ValidNamesOrPatterns(NameKind.ServiceAccount, Name);
        if (Name is { Length: > 0 } && names.Count == 0)
        {
            return Array.Empty<ServiceAccountRef>();
        }
        var namePatterns = names.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var result = inScope.Where(sa => namePatterns.Count == 0 || namePatterns.Any(p => p.IsMatch(sa.Name))).ToList();

        // A literal name that matched nothing: say so, rather than answer for an account that does not exist.
        foreach (var name in names.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            if (!result.Any(sa => string.Equals(sa.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                var where = !scoped ? "any namespace" : $"namespace '{string.Join("', '", Namespace ?? new[] { KubeConnection.Namespace })}'";
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"No ServiceAccount '{name}' was found in {where}."),
                    CommandId + "ServiceAccountNotFound", ErrorCategory.ObjectNotFound, name));
            }
        }

        return result;
    }

    private void Evaluate(ServiceAccountRef serviceAccount)
    {
        _evaluated++;
        if (_evaluated % 250 == 1 && _serviceAccounts!.Count > 0)
        {
            var total = AllNamespaces.IsPresent ? _serviceAccounts!.Count : 0;
            var record = new ProgressRecord(2, EvaluateActivity, total > 0 ? $"{_evaluated} of {total} ServiceAccounts" : $"{_evaluated} ServiceAccounts")
            {
                CurrentOperation = serviceAccount.ToString(),
            };
            if (total > 0)
            {
                record.PercentComplete = Math.Min(100, _evaluated * 100 / total);
            }

            WriteProgress(record);
        }

        var grants = _evaluator!.GetGrants(serviceAccount, _filter!.IsEmpty ? null : _filter).ToList();
        WarnMissingRoles(grants);

        var verification = VerifyGrants(serviceAccount, grants);
        var verdicts = verification?.Verdicts;

        if (Summary.IsPresent)
        {
            bool? verified = verification?.AllVerified;
            WriteObject(new EffectivePermissionSummary(_context!, ServiceAccountPermissionSummary.Of(serviceAccount, grants), verified));
            return;
        }

        for (var i = 0; i < grants.Count; i++)
        {
            var verdict = verdicts?[i];
            WriteObject(new EffectivePermission(_context!, grants[i], verdict?.Verified, verdict?.Detail));
        }
    }

    private void WarnMissingRoles(List<EffectiveGrant> grants)
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
    private GrantVerification? VerifyGrants(ServiceAccountRef serviceAccount, List<EffectiveGrant> grants)
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
