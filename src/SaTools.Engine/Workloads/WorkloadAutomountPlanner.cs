using SaTools.Engine.Pods;

namespace SaTools.Engine.Workloads;

/// <summary>The decision for one workload before anything is written.</summary>
public enum WorkloadStep
{
    /// <summary>Write the template's field (ShouldProcess first).</summary>
    Patch,
    /// <summary>Nothing to write: report the action and reason.</summary>
    Report,
    /// <summary>Nothing to write and nothing worth a row (a Job or bare pod that would not be patched anyway).</summary>
    Omit,
}

/// <summary>
/// Decides, for one workload, whether its pod template's automountServiceAccountToken is set to false. Pure: the
/// same inputs always give the same answer. The order of the questions:
/// <list type="number">
/// <item>The template already says false: AlreadyDisabled.</item>
/// <item>The template declares a projected serviceAccountToken volume: Skipped (the field would not remove it).</item>
/// <item>The template leaves the field unset and the ServiceAccount says false: the pods get no token
/// (<see cref="TokenMountRule"/>): AlreadyDisabled.</item>
/// <item>The ServiceAccount has permissions beyond the baseline and -Force is not given: Skipped.</item>
/// <item>A Job or a bare pod: Skipped, its template cannot be changed.</item>
/// <item>Otherwise: Patch.</item>
/// </list>
/// Jobs and bare pods get a row only at step 5, when they are what would otherwise be patched.
/// </summary>
public static class WorkloadAutomountPlanner
{
    public static (WorkloadStep Step, WorkloadAutomountAction? Action, WorkloadSkipReason? Reason) DecideDisable(
        WorkloadKind kind, bool? templateField, bool declaresTokenVolume, bool? serviceAccountField, bool needsToken, bool force)
    {
        var patchable = WorkloadKinds.CanPatch(kind);
        if (templateField == false)
        {
            return patchable ? (WorkloadStep.Report, WorkloadAutomountAction.AlreadyDisabled, null) : Omit;
        }
        if (declaresTokenVolume)
        {
            return patchable ? (WorkloadStep.Report, WorkloadAutomountAction.Skipped, WorkloadSkipReason.TemplateDeclaresTokenVolume) : Omit;
        }
        if (!TokenMountRule.Effective(templateField, serviceAccountField, declaresTokenVolume: false))
        {
            return patchable ? (WorkloadStep.Report, WorkloadAutomountAction.AlreadyDisabled, WorkloadSkipReason.ServiceAccountDisablesAutomount) : Omit;
        }
        if (needsToken && !force)
        {
            return patchable ? (WorkloadStep.Report, WorkloadAutomountAction.Skipped, WorkloadSkipReason.ServiceAccountHasPermissions) : Omit;
        }
        return kind switch
        {
            WorkloadKind.Job => (WorkloadStep.Report, WorkloadAutomountAction.Skipped, WorkloadSkipReason.JobTemplateImmutable),
            WorkloadKind.Pod => (WorkloadStep.Report, WorkloadAutomountAction.Skipped, WorkloadSkipReason.BarePodImmutable),
            _ => (WorkloadStep.Patch, null, null),
        };
    }

    /// <summary>Set-K8sWorkloadAutomount (the undo): write when the template differs from the requested value; a Job
    /// or bare pod that differs cannot be written and is Skipped.</summary>
    public static (WorkloadStep Step, WorkloadAutomountAction? Action, WorkloadSkipReason? Reason) DecideSet(
        WorkloadKind kind, bool? templateField, bool? desired)
    {
        if (templateField == desired)
        {
            return (WorkloadStep.Report, desired == false ? WorkloadAutomountAction.AlreadyDisabled : WorkloadAutomountAction.Unchanged, null);
        }
        return kind switch
        {
            WorkloadKind.Job => (WorkloadStep.Report, WorkloadAutomountAction.Skipped, WorkloadSkipReason.JobTemplateImmutable),
            WorkloadKind.Pod => (WorkloadStep.Report, WorkloadAutomountAction.Skipped, WorkloadSkipReason.BarePodImmutable),
            _ => (WorkloadStep.Patch, null, null),
        };
    }

    private static readonly (WorkloadStep, WorkloadAutomountAction?, WorkloadSkipReason?) Omit = (WorkloadStep.Omit, null, null);
}
