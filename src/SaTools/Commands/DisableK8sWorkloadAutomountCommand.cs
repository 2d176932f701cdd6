using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Names;
using SaTools.Engine.Workloads;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// Sets <c>automountServiceAccountToken: false</c> in the pod template of each Deployment, StatefulSet, DaemonSet,
/// CronJob and ownerless ReplicaSet whose pods get an API token their ServiceAccount does not need (no RBAC
/// permissions beyond the baseline: the audit's SA02 rule), with a merge patch of that field only. Jobs and bare
/// pods that would need the same fix are reported, since their templates cannot be changed.
/// <para>
/// Pipeline input binds by property name: Namespace, Kind and Name. A row of
/// <c>Invoke-K8sServiceAccountAudit</c> (Kind Pod, Name the pod) targets the workload that owns the pod; a Kind of
/// a workload targets that workload; Kind ServiceAccount targets every workload running as it.
/// </para>
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "K8sWorkloadAutomount", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = ParameterSetInNamespaces)]
[OutputType(typeof(WorkloadAutomountResult))]
public sealed class DisableK8sWorkloadAutomountCommand : WorkloadAutomountCmdletBase
{
    private const string ReadActivity = "Reading workloads, ServiceAccounts and RBAC";

    private readonly List<string> _namespaces = new();
    private readonly List<WorkloadTarget> _targets = new();
    private readonly HashSet<WorkloadKind> _kinds = new();
    private bool _scanConnectionNamespace;

    /// <summary>Namespaces (wildcards allowed); the connection's namespace when not given. Binds from the
    /// pipeline by property name.</summary>
    [Parameter(ParameterSetName = ParameterSetInNamespaces, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Namespace { get; set; }

    /// <summary>Every namespace.</summary>
    [Parameter(ParameterSetName = ParameterSetAllNamespaces, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>The kinds to look at (default: all). With -Name, the kind of the named object: Pod (resolved to the
    /// workload that owns it) and ServiceAccount (every workload running as it) are accepted there.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("Deployment", "StatefulSet", "DaemonSet", "CronJob", "ReplicaSet", "Job", "Pod", WorkloadTarget.ServiceAccountKind)]
    public string[]? Kind { get; set; }

    /// <summary>Objects to handle, by name, of the one -Kind given (binds from an audit finding's Name).</summary>
    [Parameter(ParameterSetName = ParameterSetInNamespaces, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Also patch workloads whose ServiceAccount has RBAC permissions (each asks for confirmation, as
    /// ConfirmImpact High).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (Name is { Length: > 0 })
        {
            if (Kind is not { Length: 1 })
            {
                WriteError(new ErrorRecord(
                    new ArgumentException("-Name needs exactly one -Kind: the kind of the named objects (Deployment, StatefulSet, DaemonSet, CronJob, ReplicaSet, Job, Pod or ServiceAccount)."),
                    CommandId + "KindRequired", ErrorCategory.InvalidArgument, string.Join(",", Name)));
                return;
            }
            var namespaces = Namespace is { Length: > 0 } ? Namespace : new[] { KubeConnection.Namespace };
            foreach (var ns in namespaces)
            {
                if (WildcardPattern.ContainsWildcardCharacters(ns))
                {
                    WriteError(new ErrorRecord(new ArgumentException($"-Namespace '{ns}' has wildcards; with -Name give the namespace itself."),
                        CommandId + "InvalidNamespace", ErrorCategory.InvalidArgument, ns));
                    continue;
                }
                if (!CheckName(NameKind.Namespace, ns)) continue;
                var nameKind = Kind[0].ToLowerInvariant() switch
                {
                    "pod" => NameKind.Pod,
                    "serviceaccount" => NameKind.ServiceAccount,
                    _ => NameKind.Workload,
                };
                _targets.AddRange(Name.Where(n => CheckName(nameKind, n)).Select(n => new WorkloadTarget(ns, Kind[0], n)));
            }
            return;
        }

        foreach (var kind in Kind ?? [])
        {
            if (!WorkloadKinds.TryParse(kind, out var parsed))
            {
                WriteError(new ErrorRecord(new ArgumentException("-Kind ServiceAccount needs -Name (the ServiceAccounts whose workloads to handle)."),
                    CommandId + "KindRequiresName", ErrorCategory.InvalidArgument, kind));
                continue;
            }
            _kinds.Add(parsed);
        }
        if (Namespace is { Length: > 0 }) _namespaces.AddRange(Namespace);
        else if (!AllNamespaces.IsPresent) _scanConnectionNamespace = true;
    }

    protected override void EndProcessing()
    {
        var scan = AllNamespaces.IsPresent || _namespaces.Count > 0 || (_scanConnectionNamespace && _targets.Count == 0);
        if (!scan && _targets.Count == 0) return;
        var kinds = _kinds.Count > 0 ? _kinds.ToList() : Enum.GetValues<WorkloadKind>().ToList();
        var service = NewService();
        var rows = new List<WorkloadAutomountRow>();
        var onPage = ListProgressReporter(ReadActivity);
        try
        {
            if (_targets.Count > 0)
            {
                var plan = Await(ct => service.PlanDisableAsync(null, kinds, _targets, Force.IsPresent, onPage, ct));
                foreach (var t in plan.Unmatched)
                {
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"No {t.Kind} '{t.Name}' in namespace '{t.Namespace}' that this cmdlet can change (or that owns it) was found."),
                        CommandId + "WorkloadNotFound", ErrorCategory.ObjectNotFound, $"{t.Kind} {t.Namespace}/{t.Name}"));
                }
                rows.AddRange(plan.Rows);
            }
            if (scan)
            {
                IReadOnlyList<string>? namespaces = AllNamespaces.IsPresent ? null : ResolveNamespaces(_namespaces.Count > 0 ? _namespaces : null);
                if (namespaces is null || namespaces.Count > 0)
                {
                    var plan = Await(ct => service.PlanDisableAsync(namespaces, kinds, null, Force.IsPresent, onPage, ct),
                        target: namespaces is null ? "*" : string.Join(",", namespaces));
                    rows.AddRange(plan.Rows);
                }
            }
        }
        finally
        {
            CompleteProgress(ReadActivity);
        }

        var unique = rows.DistinctBy(r => (r.Namespace, r.Kind, r.Name)).ToList();
        WriteVerbose($"{unique.Count} workload(s): {unique.Count(r => r.Step == WorkloadStep.Patch)} to patch.");
        Execute(unique, service);
    }
}
