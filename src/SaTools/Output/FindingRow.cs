using System.Management.Automation;
using SaTools.Engine.Audit;

namespace SaTools.Output;

/// <summary>
/// A finding read back from what a person hands in: an Invoke-K8sServiceAccountAudit object, or a row of its CSV
/// (Import-Csv) or JSON (ConvertFrom-Json), where every value may be text (a Severity of "High" or, from JSON, 3).
/// The one reader for -Baseline and Export-K8sAuditReport.
/// </summary>
internal sealed record FindingRow(AuditFinding Finding, string? Change, int? Evaluated, string? Context)
{
    /// <summary>The row, or null when the object lacks CheckId, Kind or Name (it is not a finding).</summary>
    public static FindingRow? From(PSObject row)
    {
        string? Text(string property) => row.Properties[property]?.Value?.ToString();
        var checkId = Text("CheckId");
        var kind = Text("Kind");
        var name = Text("Name");
        if (string.IsNullOrEmpty(checkId) || kind is null || name is null) return null;
        var definition = AuditCheckCatalog.Find(checkId);
        var ns = Text("Namespace") ?? string.Empty;
        return new FindingRow(new AuditFinding
        {
            CheckId = checkId,
            Title = Text("Title") ?? definition?.Title ?? string.Empty,
            Severity = Enum.TryParse<AuditSeverity>(Text("Severity"), true, out var s) ? s : definition?.Severity ?? AuditSeverity.Info,
            Kind = kind,
            Namespace = ns,
            Name = name,
            ServiceAccount = Text("ServiceAccount") ?? string.Empty,
            Message = Text("Message") ?? string.Empty,
            Remediation = Text("Remediation") ?? string.Empty,
            WorkloadKind = Text("WorkloadKind") ?? string.Empty,
            WorkloadName = Text("WorkloadName") ?? string.Empty,
            ConcernsNamespace = ns.Length == 0 ? null : ns,
        }, Text("Change"), int.TryParse(Text("Evaluated"), out var n) ? n : null, Text("Context"));
    }
}
