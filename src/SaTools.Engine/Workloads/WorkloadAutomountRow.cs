using SaTools.Engine.Api;

namespace SaTools.Engine.Workloads;

/// <summary>
/// One workload as planned, and after the write its outcome: what Disable-K8sWorkloadAutomount and
/// Set-K8sWorkloadAutomount report. <see cref="Previous"/> is the template's field as read (null: not set).
/// </summary>
public sealed record WorkloadAutomountRow
{
    public required string Namespace { get; init; }
    public required WorkloadKind Kind { get; init; }
    public required string Name { get; init; }
    public required string ServiceAccount { get; init; }

    /// <summary>The template's automountServiceAccountToken as read; null when not set.</summary>
    public bool? Previous { get; init; }

    /// <summary>The value the template holds after the run.</summary>
    public bool? Current { get; init; }

    /// <summary>The value to write.</summary>
    public bool? Desired { get; init; }

    /// <summary>Patch: ask ShouldProcess and write. Report: <see cref="Action"/> is final.</summary>
    public required WorkloadStep Step { get; init; }

    public WorkloadAutomountAction? Action { get; init; }
    public WorkloadSkipReason? Reason { get; init; }

    /// <summary>The ServiceAccount has permissions beyond the baseline (writing is then high impact).</summary>
    public bool NeedsToken { get; init; }

    /// <summary>Writing the template replaces the running pods (<see cref="WorkloadKinds.TemplateChangeRestartsPods"/>).</summary>
    public bool RestartsPods { get; init; }

    /// <summary>Why the workload could not be read or written.</summary>
    public KubeApiException? Error { get; init; }

    internal string? ResourceVersion { get; init; }

    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}

/// <summary>A workload named on the pipeline: a workload kind and name, or a pod (resolved to the workload that
/// owns it), or a ServiceAccount (every workload running as it).</summary>
public sealed record WorkloadTarget(string Namespace, string Kind, string Name)
{
    public const string ServiceAccountKind = "ServiceAccount";
}

/// <summary>The result of planning: a row per workload, and the targets that matched nothing.</summary>
public sealed class WorkloadAutomountPlan
{
    public required IReadOnlyList<WorkloadAutomountRow> Rows { get; init; }
    public required IReadOnlyList<WorkloadTarget> Unmatched { get; init; }
}
