using System.Management.Automation;
using SaTools.Engine.Api;
using SaTools.Engine.Automount;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// What Disable-K8sDefaultAutomount and Set-K8sServiceAccountAutomount share once the ServiceAccounts are read:
/// the Failed and no-change rows, ShouldProcess per ServiceAccount on the pipeline thread, the bounded-parallel
/// writes with progress, and the result objects (-PassThru).
/// </summary>
public abstract class AutomountCmdletBase : K8sCmdletBase
{
    private const string WriteActivity = "Writing automountServiceAccountToken";

    /// <summary>Return one result object per ServiceAccount.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>How many ServiceAccounts are read and written at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = BoundedParallelRunner.DefaultThrottleLimit;

    /// <summary>Reports every candidate: failures and no-change rows at once, then asks ShouldProcess for each one
    /// that needs a write and writes the approved ones in parallel.</summary>
    protected void Execute(IReadOnlyList<AutomountCandidate> candidates, AutomountService service)
    {
        var approved = new List<AutomountCandidate>();
        foreach (var c in candidates)
        {
            var target = $"{c.Namespace}/{c.ServiceAccount}";
            if (c.ReadError is { } readError)
            {
                if (IsFatal(readError)) ThrowKubeError(readError, target);
                WriteKubeError(readError, target);
                Emit(c, AutomountAction.Failed, null, readError.Message);
                continue;
            }
            switch (c.Step)
            {
                case AutomountStep.Missing when !ConfirmNamespace(c.Namespace):
                    // NamespaceNotFound is written: the namespace, not the ServiceAccount, is what is missing.
                    Emit(c, AutomountAction.Failed, null, $"The namespace '{c.Namespace}' does not exist.");
                    continue;
                case AutomountStep.Missing:
                    WriteError(new ErrorRecord(
                        new ItemNotFoundException($"The ServiceAccount '{c.ServiceAccount}' does not exist in namespace '{c.Namespace}' (or the namespace does not exist)."),
                        CommandId + "ServiceAccountNotFound", ErrorCategory.ObjectNotFound, target));
                    Emit(c, AutomountAction.Failed, null, "ServiceAccount not found.");
                    continue;
                case AutomountStep.NoChange:
                    WriteVerbose($"{target}: automountServiceAccountToken is already {AutomountValue.Format(c.Desired)}; nothing written.");
                    Emit(c, AutomountPlanner.NoChangeAction(c.Desired), c.Previous, null);
                    continue;
            }
            var impact = c.PodsRelyingOnToken.Count > 0 ? $" ({c.PodsRelyingOnToken.Count} running pod(s) lose their token when next recreated)" : "";
            var approvedByUser = ShouldProcess(
                $"ServiceAccount {target}",
                $"Set automountServiceAccountToken from {AutomountValue.Format(c.Previous)} to {AutomountValue.Format(c.Desired)}{impact}",
                null,
                out var reason);
            var declined = AutomountPlanner.AfterShouldProcess(approvedByUser, reason == ShouldProcessReason.WhatIf);
            if (declined is { } action)
            {
                Emit(c, action, c.Previous, null);
                continue;
            }
            approved.Add(c);
        }

        if (approved.Count == 0) return;
        var done = 0;
        RunningBatch<AutomountOutcome>? batch = null;
        try
        {
            // Started inside Stream so the writes report to this invocation's request log (-Verbose).
            foreach (var outcome in Stream(ct => (batch = service.Apply(approved, ThrottleLimit, ct)).Results))
            {
                done++;
                var c = outcome.Candidate;
                WriteProgress(new ProgressRecord(2, WriteActivity, $"{done} of {approved.Count}: {c.Namespace}/{c.ServiceAccount} {outcome.Action}")
                {
                    PercentComplete = done * 100 / approved.Count,
                });
                if (outcome.Error is { } error)
                {
                    WriteKubeError(error, $"{c.Namespace}/{c.ServiceAccount}");
                }
                Emit(c, outcome.Action, outcome.Current, outcome.Error?.Message);
            }
        }
        finally
        {
            // Ctrl+C: no new write starts, but the ones already sent finish before the connection closes, so
            // each ServiceAccount ends patched or untouched.
            batch?.Completion.GetAwaiter().GetResult();
            if (!CancellationToken.IsCancellationRequested)
            {
                WriteProgress(new ProgressRecord(2, WriteActivity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    /// <summary>The Failed row (-PassThru) of a ServiceAccount that was never read; its error is already written.</summary>
    protected void EmitFailed(string ns, string serviceAccount, bool? desired, string error) =>
        Emit(new AutomountCandidate
        {
            Namespace = ns,
            ServiceAccount = serviceAccount,
            Desired = desired,
            ReadError = new KubeApiException(KubeErrorKind.NotFound, error),
            ImpactKnown = false,
        }, AutomountAction.Failed, null, error);

    private void Emit(AutomountCandidate c, AutomountAction action, bool? current, string? error)
    {
        if (!PassThru.IsPresent) return;
        var read = c.ReadError is null && c.Step != AutomountStep.Missing;
        WriteObject(new AutomountResult(
            ContextName,
            c.Namespace,
            c.ServiceAccount,
            read ? AutomountValue.Format(c.Previous) : AutomountValue.Unknown,
            read ? AutomountValue.Format(current) : AutomountValue.Unknown,
            action.ToString(),
            error,
            new StringList(c.PodsRelyingOnToken),
            read && c.ImpactKnown));
    }

    /// <summary>The engine service over this invocation's connection.</summary>
    protected AutomountService NewService() => new(KubeConnection.Api);

    /// <summary>Shows that reading is under way before the first answer (activity 1).</summary>
    protected void ReportReading(string what) => WriteProgress(new ProgressRecord(1, "Reading", what));

    protected void CompleteReading() => CompleteProgress("Reading");
}
