using System.Management.Automation;
using SaTools.Engine.Automount;
using SaTools.Engine.Workloads;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// What Disable-K8sWorkloadAutomount and Set-K8sWorkloadAutomount share once the workloads are planned: the
/// report rows (-PassThru), ShouldProcess per workload (ConfirmImpact High for a workload whose ServiceAccount has
/// permissions), one write at a time through the engine with progress, and Failed rows with their errors.
/// </summary>
public abstract class WorkloadAutomountCmdletBase : K8sCmdletBase
{
    private const string WriteActivity = "Writing pod templates";
    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>Return one result object per workload.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Reports the rows that need no write, asks ShouldProcess for each that does, and writes the approved
    /// ones one after the other (a Ctrl+C stops before the next write; the one in flight is atomic on the server).</summary>
    protected void Execute(IReadOnlyList<WorkloadAutomountRow> rows, WorkloadAutomountService service)
    {
        var toWrite = rows.Count(r => r.Step == WorkloadStep.Patch);
        var done = 0;
        foreach (var row in rows)
        {
            if (row.Step != WorkloadStep.Patch)
            {
                if (row.Error is { } readError)
                {
                    if (IsFatal(readError)) ThrowKubeError(readError, Target(row));
                    WriteKubeError(readError, Target(row));
                }
                else
                {
                    WriteVerbose($"{Target(row)}: {row.Action}{(row.Reason is { } r ? " (" + r + ")" : "")}; nothing written.");
                }
                Emit(row);
                continue;
            }

            if (!Approve(row, out var whatIf))
            {
                Emit(row with
                {
                    Step = WorkloadStep.Report,
                    Action = whatIf ? WorkloadAutomountAction.WouldPatch : WorkloadAutomountAction.Skipped,
                    Reason = whatIf ? null : WorkloadSkipReason.NotConfirmed,
                });
                continue;
            }

            if (CancellationToken.IsCancellationRequested) throw new PipelineStoppedException();
            var outcome = Await(ct => service.WriteAsync(row, ct), Target(row));
            done++;
            WriteProgress(new ProgressRecord(2, WriteActivity, $"{done} of {toWrite}: {Target(outcome)} {outcome.Action}")
            {
                PercentComplete = done * 100 / Math.Max(1, toWrite),
            });
            if (outcome.Error is { } error)
            {
                if (IsFatal(error)) ThrowKubeError(error, Target(outcome));
                WriteKubeError(error, Target(outcome));
            }
            Emit(outcome);
        }
        if (done > 0)
        {
            WriteProgress(new ProgressRecord(2, WriteActivity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>ShouldProcess for one workload. A workload whose ServiceAccount has permissions beyond the baseline
    /// (only written with -Force) is high impact: its pods may call the API. PowerShell decides prompting from the
    /// cmdlet's one ConfirmImpact (Medium), so for those a confirmation is asked as ConfirmImpact High would ask it:
    /// with $ConfirmPreference at its default High, unless -Confirm (already asked), -Confirm:$false or -WhatIf.</summary>
    private bool Approve(WorkloadAutomountRow row, out bool whatIf)
    {
        var change = $"Set the pod template's automountServiceAccountToken from {AutomountValue.Format(row.Previous)} to {AutomountValue.Format(row.Desired)}"
            + (row.RestartsPods ? " (rolls out new pods)" : "")
            + (row.NeedsToken ? $" although ServiceAccount '{row.ServiceAccount}' has RBAC permissions" : "");
        // What -WhatIf prints, and what -Confirm asks.
        var approved = ShouldProcess($"{Target(row)}: {change}.", $"{change} on {Target(row)}?", "Confirm", out var reason);
        whatIf = reason == ShouldProcessReason.WhatIf;
        if (!approved || !row.NeedsToken || !AsksHighImpact()) return approved;
        return ShouldContinue(
            $"{Target(row)} runs as ServiceAccount '{row.ServiceAccount}', which has RBAC permissions beyond the baseline: its pods may call the Kubernetes API and fail without a token. {change}?",
            "Confirm high-impact change", ref _yesToAll, ref _noToAll);
    }

    private bool AsksHighImpact()
    {
        if (MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm))
        {
            // -Confirm: ShouldProcess has just asked; -Confirm:$false: the caller said not to ask.
            return false;
        }
        // At Medium or Low, ShouldProcess has asked already (the cmdlet's impact is Medium); at None nothing asks.
        var preference = GetVariableValue("ConfirmPreference");
        return (preference is PSObject wrapped ? wrapped.BaseObject : preference) is ConfirmImpact.High;
    }

    private void Emit(WorkloadAutomountRow row)
    {
        if (PassThru.IsPresent) WriteObject(new WorkloadAutomountResult(ContextName, row));
    }

    protected static string Target(WorkloadAutomountRow row) => $"{row.Kind} {row.Namespace}/{row.Name}";

    /// <summary>The engine service over this invocation's connection.</summary>
    protected WorkloadAutomountService NewService() => new(KubeConnection.Api);
}
