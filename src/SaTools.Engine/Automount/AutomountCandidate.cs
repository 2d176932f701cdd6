using SaTools.Engine.Api;
using SaTools.Engine.Names;

namespace SaTools.Engine.Automount;

/// <summary>One ServiceAccount as read before anything is written, with the decision for it.</summary>
public sealed class AutomountCandidate
{
    public required string Namespace { get; init; }
    public required string ServiceAccount { get; init; }

    /// <summary>The value asked for: false, true, or null to remove the field.</summary>
    public bool? Desired { get; init; }

    /// <summary>The stored automountServiceAccountToken (null: not set, or not read).</summary>
    public bool? Previous { get; init; }

    /// <summary>What the plan decided; meaningless when <see cref="ReadError"/> is set.</summary>
    public AutomountStep Step { get; init; }

    /// <summary>Why the ServiceAccount could not be read (403, 5xx after retries...); null when it was.</summary>
    public KubeApiException? ReadError { get; init; }

    /// <summary>Live pods that use the ServiceAccount and leave the field unset (empty unless the requested value
    /// takes their token away).</summary>
    public IReadOnlyList<string> PodsRelyingOnToken { get; init; } = Array.Empty<string>();

    /// <summary>False when the namespace's pods could not be read, so the impact is unknown.</summary>
    public bool ImpactKnown { get; init; } = true;
}

/// <summary>What happened to one ServiceAccount.</summary>
public sealed class AutomountOutcome
{
    public required AutomountCandidate Candidate { get; init; }
    public required AutomountAction Action { get; init; }

    /// <summary>The value the server holds afterwards, as far as the run knows.</summary>
    public bool? Current { get; init; }

    /// <summary>The failure, for Action = Failed.</summary>
    public KubeApiException? Error { get; init; }
}

/// <summary>The result of planning a run: which namespaces, and one candidate each.</summary>
public sealed class AutomountPlan
{
    public required NamespaceSelection Selection { get; init; }
    public required IReadOnlyList<AutomountCandidate> Candidates { get; init; }

    /// <summary>True when every namespace was read with one cluster-wide list per resource.</summary>
    public bool ReadClusterWide { get; init; }
}
