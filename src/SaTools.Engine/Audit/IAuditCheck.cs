namespace SaTools.Engine.Audit;

/// <summary>One check: what it is, and its evaluation over a prepared snapshot (offline, no request).</summary>
internal interface IAuditCheck
{
    AuditCheckDefinition Definition { get; }

    CheckOutcome Evaluate(AuditContext context);
}

/// <summary>What one check found: how many objects it looked at and which of them fail.</summary>
public sealed record CheckOutcome(AuditCheckDefinition Check, int Evaluated, IReadOnlyList<AuditFinding> Findings, string? NotEvaluatedReason = null);
