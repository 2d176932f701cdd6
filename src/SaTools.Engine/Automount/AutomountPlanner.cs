namespace SaTools.Engine.Automount;

/// <summary>The decision for one ServiceAccount before anything is written.</summary>
public enum AutomountStep
{
    /// <summary>The field differs from the requested value: write it (or report WouldPatch under -WhatIf).</summary>
    Write,
    /// <summary>The field already holds the requested value: write nothing.</summary>
    NoChange,
    /// <summary>The ServiceAccount does not exist: a Failed row.</summary>
    Missing,
}

/// <summary>
/// Decides, for one ServiceAccount read from the cluster, whether a write is needed, and names the final action
/// of each path. Pure: the same inputs always give the same answer, so every rule is unit-tested.
/// </summary>
public static class AutomountPlanner
{
    /// <summary>Decides from the stored value. A ServiceAccount already at the requested value is never written
    /// (NotSet and true differ as stored values even though both mount a token: setting true on NotSet is a write).</summary>
    public static AutomountStep Decide(bool exists, bool? current, bool? desired)
    {
        if (!exists)
        {
            return AutomountStep.Missing;
        }
        return current == desired ? AutomountStep.NoChange : AutomountStep.Write;
    }

    /// <summary>The action reported when nothing is written because the value is already there.</summary>
    public static AutomountAction NoChangeAction(bool? desired) =>
        desired == false ? AutomountAction.AlreadyDisabled : AutomountAction.Unchanged;

    /// <summary>
    /// The action for a ServiceAccount that needs a write, once ShouldProcess has answered: approved goes on to the
    /// executor (null here), -WhatIf is WouldPatch, a declined -Confirm is Skipped.
    /// </summary>
    public static AutomountAction? AfterShouldProcess(bool approved, bool whatIf) =>
        approved ? null : whatIf ? AutomountAction.WouldPatch : AutomountAction.Skipped;

    /// <summary>The value the ServiceAccount will hold after the action (what the Current column shows).</summary>
    public static bool? CurrentAfter(AutomountAction action, bool? previous, bool? desired) =>
        action == AutomountAction.Patched ? desired : previous;

    /// <summary>
    /// Whether the pods relying on the ServiceAccount's setting lose their token: only when the effective value
    /// becomes false (NotSet means true, so removing the field never takes a token away).
    /// </summary>
    public static bool TakesTokenAway(bool? desired) => desired == false;
}
