namespace SaTools.Engine.Audit;

/// <summary>
/// One failing object of one check. Flat and holding no secret value: <see cref="Message"/> cites names, rules and
/// bindings, never Secret data.
/// </summary>
public sealed record AuditFinding
{
    public required string CheckId { get; init; }
    public required string Title { get; init; }
    public required AuditSeverity Severity { get; init; }

    /// <summary>The object that fails: Namespace, ServiceAccount, Pod, Secret, RoleBinding, ClusterRoleBinding.</summary>
    public required string Kind { get; init; }

    /// <summary>Empty for cluster-scoped objects.</summary>
    public string Namespace { get; init; } = string.Empty;

    public required string Name { get; init; }

    /// <summary>The ServiceAccount involved (its name; <c>ns/name</c> when it lives in another namespace than
    /// <see cref="Namespace"/>, e.g. the subject of a ClusterRoleBinding); empty when none is.</summary>
    public string ServiceAccount { get; init; } = string.Empty;

    public required string Message { get; init; }
    public required string Remediation { get; init; }

    /// <summary>The top-level owner of the pod (Deployment, StatefulSet, CronJob...), for pod findings.</summary>
    public string WorkloadKind { get; init; } = string.Empty;
    public string WorkloadName { get; init; } = string.Empty;

    /// <summary>The namespace the finding concerns, for -Namespace filtering: the object's namespace, the
    /// namespace of the ServiceAccount a cluster-scoped binding names, or null when it concerns every namespace.</summary>
    public string? ConcernsNamespace { get; init; }

    /// <summary>The identity of a finding across runs, for -Baseline: CheckId, Kind, Namespace, Name, ServiceAccount.</summary>
    public FindingKey Key => new(CheckId, Kind, Namespace, Name, ServiceAccount);
}
