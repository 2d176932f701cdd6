namespace SaTools.Engine.Audit;

/// <summary>How bad a finding is, in rising order (the order -FailOn compares in).</summary>
public enum AuditSeverity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}
