using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Automount;
using SaTools.Engine.Names;
using SaTools.Engine.Workloads;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// Sets, or with <c>-Value $null</c> removes, <c>automountServiceAccountToken</c> in a workload's pod template, with
/// a merge patch of that field only. Takes Disable-K8sWorkloadAutomount's results from the pipeline (Namespace,
/// Kind, Name, and Previous as -Value), also read back with Import-Csv, so a saved run replays as its undo.
/// </summary>
[Cmdlet(VerbsCommon.Set, "K8sWorkloadAutomount", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(WorkloadAutomountResult))]
public sealed class SetK8sWorkloadAutomountCommand : WorkloadAutomountCmdletBase
{
    private readonly List<(string Namespace, WorkloadKind Kind, string Name, bool? Desired)> _targets = new();

    /// <summary>The workload's namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = "";

    /// <summary>Deployment, StatefulSet, DaemonSet, CronJob or ReplicaSet (Job and Pod rows of a report are
    /// accepted and left as they are: their templates cannot be changed).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateSet("Deployment", "StatefulSet", "DaemonSet", "CronJob", "ReplicaSet", "Job", "Pod")]
    public string Kind { get; set; } = "";

    /// <summary>The workload's name.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>$true, $false, or $null to remove the field; also the texts True, False, "not set" and '' (empty:
    /// not set) that a report's Previous column holds after Export-Csv and Import-Csv.</summary>
    [Parameter(Mandatory = true, Position = 3, ValueFromPipelineByPropertyName = true)]
    [Alias("Previous")]
    [AllowNull]
    [AllowEmptyString]
    public object? Value { get; set; }

    protected override void ProcessRecord()
    {
        var target = $"{Kind} {Namespace}/{Name}";
        WorkloadKinds.TryParse(Kind, out var kind);
        if (!CheckName(NameKind.Namespace, Namespace) | !CheckName(kind == WorkloadKind.Pod ? NameKind.Pod : NameKind.Workload, Name))
        {
            return;
        }
        if (!AutomountValueArgument.TryRead(Value, emptyIsNotSet: true, out var desired))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"-Value '{Value}' is not True, False or not set ($null or empty)."),
                CommandId + "InvalidValue", ErrorCategory.InvalidArgument, target));
            return;
        }
        var existing = _targets.FindIndex(t => t.Namespace == Namespace && t.Kind == kind && t.Name == Name);
        if (existing >= 0)
        {
            if (_targets[existing].Desired != desired)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"{target} was given twice with different values ({AutomountValue.Format(_targets[existing].Desired)} and {AutomountValue.Format(desired)}); the first is kept."),
                    CommandId + "ConflictingValues", ErrorCategory.InvalidArgument, target));
            }
            return;
        }
        _targets.Add((Namespace, kind, Name, desired));
    }

    protected override void EndProcessing()
    {
        if (_targets.Count == 0) return;
        var service = NewService();
        WriteProgress(new ProgressRecord(1, "Reading workloads", $"{_targets.Count} workload(s)"));
        IReadOnlyList<WorkloadAutomountRow> rows;
        try
        {
            rows = Await(ct => service.PlanSetAsync(_targets, ct));
        }
        finally
        {
            CompleteProgress("Reading workloads");
        }
        Execute(rows, service);
    }
}
