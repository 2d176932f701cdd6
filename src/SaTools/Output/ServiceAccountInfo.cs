using SaTools.Engine.Inventory;

namespace SaTools.Output;

/// <summary>
/// One ServiceAccount, flat and CSV-friendly: every list reads as <c>a; b</c> in Export-Csv, and every object
/// carries the Context it came from, so inventories of several clusters merge into one file.
/// </summary>
public sealed class ServiceAccountInfo
{
    /// <summary>The text AutomountServiceAccountToken shows when the ServiceAccount does not set it.</summary>
    public const string NotSet = "not set";

    internal ServiceAccountInfo(string context, ServiceAccountRecord record, DateTimeOffset now)
    {
        Context = context;
        Namespace = record.Namespace;
        Name = record.Name;
        Uid = record.Uid;
        Created = record.Created?.UtcDateTime;
        Age = record.Created is { } created ? AgeFormat.Kubectl(now - created) : null;
        IsDefault = record.IsDefault;
        AutomountServiceAccountToken = record.AutomountServiceAccountToken switch
        {
            true => "true",
            false => "false",
            null => NotSet,
        };
        AutomountEffective = record.AutomountEffective;
        Secrets = new StringList(record.Secrets);
        SecretCount = Secrets.Count;
        ImagePullSecrets = new StringList(record.ImagePullSecrets);
        WorkloadIdentity = new StringList(record.WorkloadIdentities.Select(w => w.ToString()));
        WorkloadIdentityProvider = new StringList(record.WorkloadIdentities.Select(w => w.Provider));
        Labels = new StringMap(record.Labels);
        Annotations = new StringMap(record.Annotations);
    }

    /// <summary>The kubeconfig context (or cluster) the object came from.</summary>
    public string Context { get; }

    public string Namespace { get; }

    public string Name { get; }

    public string? Uid { get; }

    /// <summary>Creation time, UTC.</summary>
    public DateTime? Created { get; }

    /// <summary>Age as kubectl shows it (<c>3d4h</c>, <c>25m</c>).</summary>
    public string? Age { get; }

    /// <summary>True for the <c>default</c> ServiceAccount of a namespace.</summary>
    public bool IsDefault { get; }

    /// <summary>The ServiceAccount's own setting: <c>true</c>, <c>false</c> or <c>not set</c>
    /// (compares equal to $true/$false in PowerShell).</summary>
    public string AutomountServiceAccountToken { get; }

    /// <summary>What a pod that does not set automountServiceAccountToken gets: true unless the ServiceAccount says false.</summary>
    public bool AutomountEffective { get; }

    /// <summary>How many legacy secret references <c>.secrets</c> holds.</summary>
    public int SecretCount { get; }

    /// <summary>The legacy secret references (<c>.secrets</c>).</summary>
    public StringList Secrets { get; }

    /// <summary>The <c>.imagePullSecrets</c> names.</summary>
    public StringList ImagePullSecrets { get; }

    /// <summary>Cloud identities by provider: <c>AKS:client-id</c>, <c>EKS:role-arn</c>, <c>GKE:gsa-email</c>.</summary>
    public StringList WorkloadIdentity { get; }

    /// <summary>The providers of <see cref="WorkloadIdentity"/>: AKS, EKS, GKE.</summary>
    public StringList WorkloadIdentityProvider { get; }

    public StringMap Labels { get; }

    public StringMap Annotations { get; }

    public override string ToString() => $"{Namespace}/{Name}";
}
