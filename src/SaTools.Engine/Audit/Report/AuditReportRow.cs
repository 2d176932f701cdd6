namespace SaTools.Engine.Audit.Report;

/// <summary>One finding as the report gets it (from the audit's objects or an Import-Csv of them).</summary>
public sealed record AuditReportRow(AuditFinding Finding, string? Change, int? Evaluated, string? Context);
