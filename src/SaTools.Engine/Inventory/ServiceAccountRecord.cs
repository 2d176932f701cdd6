namespace SaTools.Engine.Inventory;

/// <summary>One ServiceAccount as the inventory reports it (engine side; SaTools.dll maps it to its output type).</summary>
public sealed class ServiceAccountRecord
{
    public required string Namespace { get; init; }
    public required string Name { get; init; }
    public string? Uid { get; init; }
    public DateTimeOffset? Created { get; init; }

    /// <summary>The ServiceAccount's own <c>automountServiceAccountToken</c>; null when it is not set.</summary>
    public bool? AutomountServiceAccountToken { get; init; }

    /// <summary>What a pod that does not set <c>automountServiceAccountToken</c> gets: the ServiceAccount's value,
    /// true when unset (plugin/pkg/admission/serviceaccount/admission.go, shouldAutomount).</summary>
    public bool AutomountEffective => AutomountServiceAccountToken ?? true;

    /// <summary>True for the <c>default</c> ServiceAccount every namespace gets.</summary>
    public bool IsDefault => Name == "default";

    /// <summary>Names in <c>.secrets</c> (legacy token references).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = Array.Empty<string>();

    /// <summary>Names in <c>.imagePullSecrets</c>.</summary>
    public IReadOnlyList<string> ImagePullSecrets { get; init; } = Array.Empty<string>();

    public IReadOnlyList<WorkloadIdentity> WorkloadIdentities { get; init; } = Array.Empty<WorkloadIdentity>();
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();
}
