using SaTools.Engine.Names;

namespace SaTools.Engine.Audit.Checks;

/// <summary>SA09: a Secret holds cloud credentials (recognised by <see cref="CloudCredentialDetector"/> from key
/// names and value shapes while the Secret was read; no value is kept) where workload identity would serve.</summary>
internal sealed class Sa09CloudCredentialSecret : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA09", "Cloud credentials stored in a Secret", AuditSeverity.High, "High",
        "Checklist: \"Use workload identity federation instead of storing cloud credentials as Secrets\"; " +
        "kubernetes.io/docs/concepts/security/secrets-good-practices",
        "Secrets");

    private static readonly IComparer<(string Namespace, string Name)> ByKey = ListingOrder.By<(string Namespace, string Name)>(k => k.Namespace, k => k.Name);

    public CheckOutcome Evaluate(AuditContext context)
    {
        if (context.Snapshot.Secrets is not { } secrets)
        {
            return new CheckOutcome(Definition, 0, Array.Empty<AuditFinding>(), "Secrets could not be listed");
        }
        var findings = new List<AuditFinding>();
        foreach (var ((ns, name), matches) in context.Snapshot.CloudCredentials.OrderBy(kv => kv.Key, ByKey))
        {
            var clouds = matches.Select(m => m.Cloud).Distinct().ToList();
            var identity = string.Join(" / ", clouds.Select(c => c switch
            {
                "AWS" => "EKS IAM Roles for Service Accounts (eks.amazonaws.com/role-arn)",
                "Azure" => "AKS Workload Identity (azure.workload.identity/client-id)",
                _ => "GKE Workload Identity (iam.gke.io/gcp-service-account)",
            }));
            findings.Add(Definition.Finding("Secret", ns, name, string.Empty,
                $"Secret {ns}/{name} holds {string.Join(" and ", clouds)} credentials: {string.Join("; ", matches)}.",
                $"Give the workload's ServiceAccount {identity}, then kubectl delete secret {name} -n {ns}"));
        }
        return new CheckOutcome(Definition, secrets.Count(s => s.Type != LegacyTokens.LegacyTokenLabels.SecretType), findings);
    }
}
