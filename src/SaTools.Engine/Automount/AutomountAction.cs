namespace SaTools.Engine.Automount;

/// <summary>What a run did, or would do, to one ServiceAccount.</summary>
public enum AutomountAction
{
    /// <summary>The field was written.</summary>
    Patched,
    /// <summary>The ServiceAccount was already at <c>false</c> (Disable-K8sDefaultAutomount): nothing written.</summary>
    AlreadyDisabled,
    /// <summary>The ServiceAccount already held the requested value (Set-K8sServiceAccountAutomount): nothing written.</summary>
    Unchanged,
    /// <summary>-WhatIf: the field would be written.</summary>
    WouldPatch,
    /// <summary>Not attempted: declined at -Confirm, or the run was stopped before this one started.</summary>
    Skipped,
    /// <summary>The read or the write failed; see the error.</summary>
    Failed,
}
