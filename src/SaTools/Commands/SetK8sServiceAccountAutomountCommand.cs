using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Automount;
using SaTools.Engine.Names;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// Sets, or with <c>-Value $null</c> removes, <c>automountServiceAccountToken</c> on ServiceAccounts, with a merge
/// patch of that field only. Takes Disable-K8sDefaultAutomount's results from the pipeline (ServiceAccount and
/// Previous bind to -Name and -Value), so a saved run replays as its undo.
/// </summary>
[Cmdlet(VerbsCommon.Set, "K8sServiceAccountAutomount", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AutomountResult))]
public sealed class SetK8sServiceAccountAutomountCommand : AutomountCmdletBase
{
    private readonly List<(string Namespace, string Name, bool? Desired)> _targets = new();

    /// <summary>The ServiceAccount's namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = "";

    /// <summary>The ServiceAccount's name.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("ServiceAccount", "ServiceAccountName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>$true, $false, or $null to remove the field (also the texts True, False and "not set" that a
    /// result's Previous column holds).</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [Alias("Previous")]
    [AllowNull]
    public object? Value { get; set; }

    protected override void ProcessRecord()
    {
        // A row of an edited CSV is checked like a parameter: a name that is not a Kubernetes name goes nowhere.
        if (!CheckName(NameKind.Namespace, Namespace) | !CheckName(NameKind.ServiceAccount, Name)) return;
        if (!AutomountValueArgument.TryRead(Value, emptyIsNotSet: false, out var desired))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"-Value '{Value}' is not True, False or not set ($null). A result whose Previous is '{AutomountValue.Unknown}' was never read and cannot be replayed."),
                CommandId + "InvalidValue", ErrorCategory.InvalidArgument, $"{Namespace}/{Name}"));
            return;
        }
        var existing = _targets.FindIndex(t => t.Namespace == Namespace && t.Name == Name);
        if (existing >= 0)
        {
            if (_targets[existing].Desired != desired)
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"ServiceAccount {Namespace}/{Name} was given twice with different values ({AutomountValue.Format(_targets[existing].Desired)} and {AutomountValue.Format(desired)}); the first is kept."),
                    CommandId + "ConflictingValues", ErrorCategory.InvalidArgument, $"{Namespace}/{Name}"));
            }
            return;
        }
        _targets.Add((Namespace, Name, desired));
    }

    protected override void EndProcessing()
    {
        if (_targets.Count == 0) return;
        var service = NewService();
        ReportReading("Reading ServiceAccounts");
        IReadOnlyList<AutomountCandidate> candidates;
        try
        {
            candidates = Await(ct => service.PlanAsync(_targets, ThrottleLimit, ct));
        }
        finally
        {
            CompleteReading();
        }
        Execute(candidates, service);
    }
}
