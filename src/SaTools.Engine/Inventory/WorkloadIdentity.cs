namespace SaTools.Engine.Inventory;

/// <summary>A cloud identity a ServiceAccount is federated to, read from its well-known annotation.</summary>
/// <param name="Provider"><c>AKS</c>, <c>EKS</c> or <c>GKE</c>.</param>
/// <param name="Identity">The client id, role ARN or Google service account.</param>
public sealed record WorkloadIdentity(string Provider, string Identity)
{
    /// <summary>The annotation each provider reads, in the order they are reported. Sources: Azure Workload
    /// Identity docs ("Service account labels and annotations"), EKS "IAM roles for service accounts", GKE
    /// "Use Workload Identity Federation for GKE".</summary>
    public static IReadOnlyList<(string Provider, string Annotation)> Annotations { get; } = new[]
    {
        ("AKS", "azure.workload.identity/client-id"),
        ("EKS", "eks.amazonaws.com/role-arn"),
        ("GKE", "iam.gke.io/gcp-service-account"),
    };

    /// <summary>The identities named in <paramref name="annotations"/>.</summary>
    public static IReadOnlyList<WorkloadIdentity> From(IReadOnlyDictionary<string, string>? annotations)
    {
        if (annotations is null || annotations.Count == 0) return Array.Empty<WorkloadIdentity>();
        var found = new List<WorkloadIdentity>();
        foreach (var (provider, annotation) in Annotations)
        {
            if (annotations.TryGetValue(annotation, out var value) && !string.IsNullOrWhiteSpace(value))
                found.Add(new WorkloadIdentity(provider, value.Trim()));
        }
        return found;
    }

    /// <summary><c>AKS:client-id</c>.</summary>
    public override string ToString() => $"{Provider}:{Identity}";
}
