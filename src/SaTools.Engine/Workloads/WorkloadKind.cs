namespace SaTools.Engine.Workloads;

/// <summary>The objects whose pods Disable-K8sWorkloadAutomount looks at, by their Kubernetes kind.</summary>
public enum WorkloadKind
{
    Deployment,
    StatefulSet,
    DaemonSet,
    CronJob,
    /// <summary>Only one no Deployment owns (an owned one is changed through its Deployment).</summary>
    ReplicaSet,
    /// <summary>Its pod template cannot be changed (spec.template is immutable: pkg/apis/batch/validation/validation.go,
    /// ValidateJobSpecUpdate); reported, never written.</summary>
    Job,
    /// <summary>A pod no controller owns: its spec cannot be changed either (pkg/apis/core/validation/validation.go,
    /// ValidatePodUpdate: "pod updates may not change fields other than ..."); it has to be recreated.</summary>
    Pod,
}

/// <summary>What each kind allows.</summary>
public static class WorkloadKinds
{
    /// <summary>The kinds whose pod template can be patched.</summary>
    public static IReadOnlyList<WorkloadKind> Patchable { get; } =
        [WorkloadKind.Deployment, WorkloadKind.StatefulSet, WorkloadKind.DaemonSet, WorkloadKind.CronJob, WorkloadKind.ReplicaSet];

    public static bool CanPatch(WorkloadKind kind) => kind is not (WorkloadKind.Job or WorkloadKind.Pod);

    /// <summary>Parses a kind as a person or a report writes it (case-insensitive, singular).</summary>
    public static bool TryParse(string? text, out WorkloadKind kind) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(text, out _);

    /// <summary>
    /// Whether changing the pod template replaces the running pods: a Deployment always rolls them out
    /// (pkg/controller/deployment); a StatefulSet or DaemonSet does unless its updateStrategy is OnDelete
    /// (docs: tutorials/stateful-application/basic-stateful-set "On Delete", tasks/manage-daemon/update-daemon-set).
    /// A ReplicaSet does not replace existing pods, and a CronJob's change reaches only its next Jobs.
    /// </summary>
    public static bool TemplateChangeRestartsPods(WorkloadKind kind, string? updateStrategy) => kind switch
    {
        WorkloadKind.Deployment => true,
        WorkloadKind.StatefulSet or WorkloadKind.DaemonSet => !string.Equals(updateStrategy, "OnDelete", StringComparison.Ordinal),
        _ => false,
    };
}
