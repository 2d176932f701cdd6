using SaTools.Engine.Usage;
using k8s.Models;
using SaTools.Engine.Rbac;

namespace SaTools.Engine.Audit;

/// <summary>
/// Everything the audit looks at, read once (from the API or from exported files) and evaluated offline:
/// namespaces, ServiceAccounts (from the API, the fields <see cref="AuditServiceAccountFields"/> names), pods (the
/// few fields the checks read: <see cref="AuditPod"/>) and their owners'
/// controllers (ReplicaSets, Jobs), Secrets (metadata only: their data is inspected for SA09 while it is read and
/// dropped at once, with their managedFields) and the RBAC objects.
/// </summary>
public sealed class AuditSnapshot
{
    internal AuditSnapshot(
        IReadOnlyList<string> namespaces,
        IReadOnlyList<AuditPod> pods,
        IReadOnlyList<V1Secret>? secrets,
        IReadOnlyDictionary<(string Namespace, string Name), IReadOnlyList<CloudCredentialDetector.Match>> cloudCredentials,
        IReadOnlyDictionary<(string Namespace, string Name), WorkloadOwner?>? replicaSetOwners,
        IReadOnlyDictionary<(string Namespace, string Name), WorkloadOwner?>? jobOwners,
        RbacSnapshot rbac,
        AuditPermissions? permissions = null)
    {
        Permissions = permissions;
        Namespaces = namespaces;
        Pods = pods;
        Secrets = secrets;
        CloudCredentials = cloudCredentials;
        ReplicaSetOwners = replicaSetOwners;
        JobOwners = jobOwners;
        Rbac = rbac;
    }

    /// <summary>The namespace names (from the namespace list, plus any namespace an object of the snapshot is in).</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>What the checks read of each pod (<see cref="AuditPod"/>), not the pods themselves.</summary>
    internal IReadOnlyList<AuditPod> Pods { get; }

    /// <summary>Secrets without their data; null when they could not be read (SA07 and SA09 are then not evaluated).</summary>
    internal IReadOnlyList<V1Secret>? Secrets { get; }

    /// <summary>SA09's verdict per Secret, made while the data was in hand: key names and kinds of credential only.</summary>
    internal IReadOnlyDictionary<(string Namespace, string Name), IReadOnlyList<CloudCredentialDetector.Match>> CloudCredentials { get; }

    internal IReadOnlyDictionary<(string Namespace, string Name), WorkloadOwner?>? ReplicaSetOwners { get; }
    internal IReadOnlyDictionary<(string Namespace, string Name), WorkloadOwner?>? JobOwners { get; }

    public RbacSnapshot Rbac { get; }

    /// <summary>The RBAC answers per ServiceAccount when the reader prepared them while pods were still arriving;
    /// null: the evaluation prepares them.</summary>
    internal AuditPermissions? Permissions { get; }

    internal IReadOnlyList<V1ServiceAccount> ServiceAccounts => Rbac.ServiceAccountObjects;

    public int PodCount => Pods.Count;
    public int SecretCount => Secrets?.Count ?? 0;
    public bool SecretsRead => Secrets is not null;
    public int ServiceAccountCount => ServiceAccounts.Count;

    /// <summary>
    /// Keeps what the audit needs of a Secret: SA09's verdict on its data (and stringData, which a manifest not yet
    /// applied may carry), then the Secret with both emptied, so no value is held past this point.
    /// </summary>
    internal static V1Secret Strip(V1Secret secret, IDictionary<(string, string), IReadOnlyList<CloudCredentialDetector.Match>> verdicts)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (k, v) in secret.Data ?? new Dictionary<string, byte[]>()) data[k] = v;
        foreach (var (k, v) in secret.StringData ?? new Dictionary<string, string>()) data.TryAdd(k, System.Text.Encoding.UTF8.GetBytes(v ?? string.Empty));
        secret.Data = null;
        secret.StringData = null;
        // Who wrote which field: no check reads it, and it is most of a Secret's metadata.
        if (secret.Metadata is { } meta) meta.ManagedFields = null;
        if (secret.Type != LegacyTokens.LegacyTokenLabels.SecretType)
        {
            var matches = CloudCredentialDetector.Inspect(data);
            if (matches.Count > 0)
            {
                verdicts[(secret.Metadata?.NamespaceProperty ?? string.Empty, secret.Metadata?.Name ?? string.Empty)] = matches;
            }
        }
        data.Clear();
        return secret;
    }
}
