using System.Runtime.CompilerServices;

namespace SaTools.Engine.Rbac;

/// <summary>What one ServiceAccount may do, in one row: counts, the union of its risk flags and one level.</summary>
public sealed class ServiceAccountPermissionSummary
{
    // The bindings counted for one summary at a time on each thread: one summary is made for every ServiceAccount
    // of the cluster, on two threads at once (EffectivePermissionReader), and a new set for each was 10 MB of
    // garbage at 22,000 ServiceAccounts.
    [ThreadStatic]
    private static HashSet<(BindingKind, string?, string)>? t_bindings;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal ServiceAccountPermissionSummary(ServiceAccountRef serviceAccount, IReadOnlyList<EffectiveGrant> grants)
    {
        ServiceAccount = serviceAccount;
        RiskLevel = HighestRisk(grants);
        SortedSet<string>? reasons = null;
        var bindings = t_bindings ??= new HashSet<(BindingKind, string?, string)>();
        bindings.Clear();
        for (var i = 0; i < grants.Count; i++)
        {
            var grant = grants[i];
            bindings.Add((grant.BindingKind, grant.BindingNamespace, grant.BindingName));
            if (grant.IsMissingRole)
            {
                MissingRoleCount++;
                continue;
            }

            GrantCount++;
            if (grant.IsClusterScope)
            {
                ClusterGrantCount++;
            }

            var flags = grant.Flags;
            Flags |= flags;
            var level = grant.RiskLevel;
            if (level >= RiskLevel.Medium)
            {
                var what = flags == RiskFlags.None ? grant.OtherRisk : flags.ToString();
                (reasons ??= new SortedSet<string>(StringComparer.Ordinal)).Add($"{level}: {what} at {grant.Scope} via {grant.BindingKind} {Qualified(grant.BindingNamespace, grant.BindingName)} ({grant.RoleKind} {grant.RoleName})");
            }
        }

        BindingCount = bindings.Count;
        RiskReasons = reasons is null ? Array.Empty<string>() : reasons.ToArray();
    }

    /// <summary>The ServiceAccount's <see cref="RiskLevel"/>: the highest of its grants' (a binding to a missing role
    /// grants nothing and counts as <see cref="RiskLevel.None"/>). The audit asks it without building the summary.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static RiskLevel HighestRisk(IReadOnlyList<EffectiveGrant> grants)
    {
        var highest = RiskLevel.None;
        for (var i = 0; i < grants.Count; i++)
        {
            var level = grants[i].RiskLevel;
            if (level > highest)
            {
                highest = level;
            }
        }

        return highest;
    }

    /// <summary>The summary of grants already evaluated (one pass gives both rows and summary).</summary>
    public static ServiceAccountPermissionSummary Of(ServiceAccountRef serviceAccount, IEnumerable<EffectiveGrant> grants) =>
        new(serviceAccount, grants as IReadOnlyList<EffectiveGrant> ?? grants.ToList());

    public ServiceAccountRef ServiceAccount { get; }
    public int GrantCount { get; }
    public int ClusterGrantCount { get; }
    public int NamespaceGrantCount => GrantCount - ClusterGrantCount;
    public int BindingCount { get; }
    public int MissingRoleCount { get; }
    public RiskFlags Flags { get; }
    public RiskLevel RiskLevel { get; }

    /// <summary>Why the level is Medium or worse: one line per flagged binding and scope.</summary>
    public IReadOnlyList<string> RiskReasons { get; }

    public bool Has(RiskFlags flag) => (Flags & flag) == flag;

    private static string Qualified(string? ns, string name) => ns is null ? name : ns + "/" + name;
}
