using SaTools.Engine.LegacyTokens;

namespace SaTools.Engine.Audit.Checks;

/// <summary>SA07: a kubernetes.io/service-account-token Secret exists; its status (in use, unused, invalidated,
/// orphaned) is Get-K8sLegacyToken's (<see cref="LegacyTokenClassifier"/>). In use is High: a non-expiring
/// token is being relied on.</summary>
internal sealed class Sa07LegacyTokenSecret : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA07", "Legacy ServiceAccount token Secret", AuditSeverity.Medium, "Medium; High when in use",
        "Checklist: \"Delete legacy kubernetes.io/service-account-token Secrets from the cluster\"; " +
        "kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin (Legacy ServiceAccount token cleaner)",
        "Secrets of type kubernetes.io/service-account-token");

    public CheckOutcome Evaluate(AuditContext context)
    {
        if (context.Snapshot.Secrets is not { } secrets)
        {
            return new CheckOutcome(Definition, 0, Array.Empty<AuditFinding>(), "Secrets could not be listed");
        }
        var tokens = secrets.Where(LegacyTokenClassifier.IsLegacyToken).ToList();
        var sasByNs = context.ServiceAccounts.ToLookup(sa => sa.Metadata.NamespaceProperty ?? string.Empty);
        var findings = new List<AuditFinding>();
        foreach (var secret in tokens)
        {
            var ns = secret.Metadata?.NamespaceProperty ?? string.Empty;
            var info = LegacyTokenClassifier.Classify(secret, sasByNs[ns], context.PodsReferencing(ns, secret.Metadata?.Name ?? string.Empty), context.UtcNow);
            var (status, fix) = info.Status switch
            {
                LegacyTokenStatus.InUse => (
                    "in use" + (info.MountedBy.Count > 0 ? $" (mounted by {string.Join(", ", info.MountedBy)})" : "") +
                    (info.LastUsed is { } used ? $", last used {LegacyTokenLabels.FormatDate(used)}" : ""),
                    $"Move the users to projected tokens or New-K8sBoundToken -Namespace {ns} -ServiceAccount {info.ServiceAccount}, then Disable-K8sLegacyToken -Namespace {ns} -Name {info.Name}"),
                LegacyTokenStatus.Unused => (
                    "unused" + (info.LastUsed is { } last ? $" (last used {LegacyTokenLabels.FormatDate(last)})" : " (never used)"),
                    $"Disable-K8sLegacyToken -Namespace {ns} -Name {info.Name}  # later: Remove-K8sLegacyToken"),
                LegacyTokenStatus.Invalidated => (
                    "invalidated" + (info.InvalidSince is { } since ? $" since {LegacyTokenLabels.FormatDate(since)}" : ""),
                    $"Remove-K8sLegacyToken -Namespace {ns} -Name {info.Name}"),
                _ => ("orphaned (its ServiceAccount is gone or was recreated)", $"Remove-K8sLegacyToken -Namespace {ns} -Name {info.Name}"),
            };
            findings.Add(Definition.Finding("Secret", ns, info.Name, info.ServiceAccount,
                $"Secret {ns}/{info.Name} is a long-lived token of ServiceAccount {info.ServiceAccount}, {status}.",
                fix, info.Status == LegacyTokenStatus.InUse ? AuditSeverity.High : AuditSeverity.Medium));
        }
        return new CheckOutcome(Definition, tokens.Count, findings);
    }
}
