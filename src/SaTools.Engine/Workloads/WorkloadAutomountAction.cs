namespace SaTools.Engine.Workloads;

/// <summary>What happened to one workload's pod template.</summary>
public enum WorkloadAutomountAction
{
    /// <summary>The template's automountServiceAccountToken was written.</summary>
    Patched,
    /// <summary>The template already says false, or its pods get no token anyway: nothing written.</summary>
    AlreadyDisabled,
    /// <summary>The template already holds the requested value (Set-K8sWorkloadAutomount): nothing written.</summary>
    Unchanged,
    /// <summary>Left as it is; <see cref="WorkloadSkipReason"/> says why.</summary>
    Skipped,
    /// <summary>-WhatIf: would have been written.</summary>
    WouldPatch,
    /// <summary>The write (or the read) failed; the template is as it was.</summary>
    Failed,
}

/// <summary>Why a workload is left as it is.</summary>
public enum WorkloadSkipReason
{
    /// <summary>The ServiceAccount has RBAC permissions beyond the baseline, so the pods may call the API
    /// (<see cref="Rbac.BaselinePermissions"/>); -Force patches it anyway.</summary>
    ServiceAccountHasPermissions,
    /// <summary>The template declares its own projected serviceAccountToken volume: the pods ask for a token
    /// explicitly, and the field would not take it away.</summary>
    TemplateDeclaresTokenVolume,
    /// <summary>A Job's pod template cannot be changed; fix what creates the Job.</summary>
    JobTemplateImmutable,
    /// <summary>A bare pod's spec cannot be changed: recreate it with automountServiceAccountToken: false.</summary>
    BarePodImmutable,
    /// <summary>The ServiceAccount says automountServiceAccountToken: false and the template leaves it unset:
    /// the pods get no token (reported with AlreadyDisabled).</summary>
    ServiceAccountDisablesAutomount,
    /// <summary>-Confirm was answered No.</summary>
    NotConfirmed,
}
