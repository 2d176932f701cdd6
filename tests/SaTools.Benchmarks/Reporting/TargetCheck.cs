namespace SaTools.Benchmarks.Reporting;

public enum TargetOutcome { Pass, Fail, NotMeasured }

/// <summary>One target of issues 4, 6, 7 and 8, against what this run measured.</summary>
public sealed record TargetCheck(string Issue, string Target, string Measured, TargetOutcome Outcome)
{
    public string OutcomeText => Outcome switch
    {
        TargetOutcome.Pass => "PASS",
        TargetOutcome.Fail => "FAIL",
        _ => "NOT MEASURED",
    };
}
