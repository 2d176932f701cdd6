namespace SaTools.Engine.Audit;

/// <summary>How a finding compares with the baseline run.</summary>
public enum FindingChange
{
    /// <summary>Not in the baseline.</summary>
    New,
    /// <summary>In the baseline and still failing.</summary>
    Unchanged,
    /// <summary>In the baseline, no longer failing.</summary>
    Resolved,
}
