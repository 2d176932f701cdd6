using SaTools.Engine.Workloads;

namespace SaTools.Output;

/// <summary>
/// One workload handled by Disable-K8sWorkloadAutomount or Set-K8sWorkloadAutomount. Flat and CSV-friendly:
/// <see cref="Previous"/> and <see cref="Current"/> are True, False or empty (not set), the values
/// Set-K8sWorkloadAutomount -Value takes back (also from Import-Csv), so a saved report replays as its undo.
/// </summary>
public sealed class WorkloadAutomountResult
{
    internal WorkloadAutomountResult(string context, WorkloadAutomountRow row)
    {
        Context = context;
        Namespace = row.Namespace;
        Kind = row.Kind.ToString();
        Name = row.Name;
        ServiceAccount = row.ServiceAccount;
        Previous = row.Previous;
        Current = row.Current;
        Action = row.Action?.ToString() ?? string.Empty;
        Reason = row.Reason?.ToString();
        RestartsPods = row.RestartsPods && row.Action is WorkloadAutomountAction.Patched or WorkloadAutomountAction.WouldPatch;
        Error = row.Error?.Message;
    }

    public string Context { get; }
    public string Namespace { get; }

    /// <summary>Deployment, StatefulSet, DaemonSet, CronJob, ReplicaSet (one no Deployment owns), Job or Pod (bare).</summary>
    public string Kind { get; }

    public string Name { get; }

    /// <summary>The ServiceAccount the pods run as.</summary>
    public string ServiceAccount { get; }

    /// <summary>The pod template's automountServiceAccountToken before the run; empty when not set.</summary>
    public bool? Previous { get; }

    /// <summary>The value after the run (the previous one unless Action is Patched).</summary>
    public bool? Current { get; }

    /// <summary>Patched, AlreadyDisabled, Unchanged, Skipped, WouldPatch or Failed.</summary>
    public string Action { get; }

    /// <summary>Why it was skipped (or why its pods get no token anyway): ServiceAccountHasPermissions,
    /// TemplateDeclaresTokenVolume, JobTemplateImmutable, BarePodImmutable, ServiceAccountDisablesAutomount,
    /// NotConfirmed; empty otherwise.</summary>
    public string? Reason { get; }

    /// <summary>True when the change rolls out new pods (a Deployment; a StatefulSet or DaemonSet without the
    /// OnDelete strategy).</summary>
    public bool RestartsPods { get; }

    /// <summary>Why the workload could not be read or written (Action Failed).</summary>
    public string? Error { get; }

    public override string ToString() => $"{Kind} {Namespace}/{Name}: {Action}";
}
