namespace SaTools.Engine.Audit;

/// <summary>
/// One check of the audit: its id, what it looks for, its severity (as the table gives it; some checks
/// raise it per finding, see <see cref="SeverityRule"/>), and where the rule comes from (the checklist item, the
/// Kubernetes docs page or the RBAC Good Practices section), which the help and the report cite.
/// </summary>
public sealed record AuditCheckDefinition(
    string CheckId,
    string Title,
    AuditSeverity Severity,
    string SeverityRule,
    string RuleSource,
    string Evaluates);

/// <summary>Builds the findings of one check, with its id, title and default severity filled in.</summary>
internal static class FindingFactory
{
    public static AuditFinding Finding(
        this AuditCheckDefinition check, string kind, string ns, string name, string serviceAccount, string message,
        string remediation, AuditSeverity? severity = null, string? concernsNamespace = null, string? workloadKind = null,
        string? workloadName = null) => new()
    {
        CheckId = check.CheckId,
        Title = check.Title,
        Severity = severity ?? check.Severity,
        Kind = kind,
        Namespace = ns,
        Name = name,
        ServiceAccount = serviceAccount,
        Message = message,
        Remediation = remediation,
        ConcernsNamespace = concernsNamespace ?? (ns.Length == 0 ? null : ns),
        WorkloadKind = workloadKind ?? string.Empty,
        WorkloadName = workloadName ?? string.Empty,
    };
}
