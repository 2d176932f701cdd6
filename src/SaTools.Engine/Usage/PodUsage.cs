namespace SaTools.Engine.Usage;

/// <summary>One pod joined to its ServiceAccount.</summary>
public sealed record PodUsage(
    string Namespace,
    string Pod,
    string? OwnerKind,
    string? OwnerName,
    string ServiceAccount,
    bool ServiceAccountExists,
    bool UsesDefault,
    bool? AutomountPod,
    bool? AutomountServiceAccount,
    bool DeclaresTokenVolume,
    bool TokenMounted,
    string? Phase);

/// <summary>One ServiceAccount with the pods that use it.</summary>
public sealed record ServiceAccountUsageTotals(
    string Namespace,
    string ServiceAccount,
    bool Exists,
    bool? AutomountServiceAccount,
    int Pods,
    int PodsWithToken,
    IReadOnlyList<string> PodNames,
    bool Unused);
