namespace SaTools.Engine.LegacyTokens;

/// <summary>Where a legacy ServiceAccount token Secret stands.</summary>
public enum LegacyTokenStatus
{
    /// <summary>Mounted by a pod, or used against the API within the unused period.</summary>
    InUse,
    /// <summary>Its ServiceAccount exists, no pod mounts it, and it has not been used within the unused period
    /// (or never): a candidate to retire.</summary>
    Unused,
    /// <summary>Carries the <c>kubernetes.io/legacy-token-invalid-since</c> label: the API server rejects it.</summary>
    Invalidated,
    /// <summary>Its ServiceAccount is gone or was recreated (uid differs): the token can no longer authenticate.</summary>
    Orphaned,
}
