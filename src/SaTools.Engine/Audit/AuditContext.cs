using k8s.Models;
using SaTools.Engine.LegacyTokens;
using SaTools.Engine.Names;
using SaTools.Engine.Pods;
using SaTools.Engine.Rbac;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Audit;

/// <summary>
/// The snapshot prepared once for every check: the per-ServiceAccount RBAC answers (<see cref="AuditPermissions"/>:
/// grants beyond the baseline, risk level, permission summary), the pod-to-ServiceAccount join with resolved owners
/// (Engine/Usage), and the indexes the checks look up instead of scanning. Each piece is built by the first check
/// that reads it and then only read (thread-safe), so the checks run side by side and each starts as soon as what it
/// reads is there: SA01 reads only the ServiceAccounts, so its findings are written while SA02 still joins the pods
/// (20-90 ms at the benchmark's scale, which every check of pods waits for).
/// </summary>
internal sealed class AuditContext
{
    private readonly Lazy<IReadOnlyList<V1ServiceAccount>> _serviceAccounts;
    private readonly Lazy<HashSet<ServiceAccountRef>> _serviceAccountKeys;
    private readonly Lazy<PodsJoin> _pods;
    private readonly Lazy<IReadOnlyList<ServiceAccountUsageTotals>> _usageTotals;
    private readonly Lazy<Dictionary<(string Namespace, string Secret), List<LegacyTokenCleanerRules.MountingPod>>> _secretUsers;

    /// <summary>The pods in the listing order with their usage rows, at the same index, and the ServiceAccounts'
    /// facts the join read (the totals read them again).</summary>
    private sealed record PodsJoin(IReadOnlyList<AuditPod> Pods, IReadOnlyList<PodUsage> Usage, List<ServiceAccountFacts> Accounts);

    public AuditContext(AuditSnapshot snapshot, DateTime utcNow)
    {
        Snapshot = snapshot;
        UtcNow = utcNow;
        Permissions = snapshot.Permissions ?? AuditPermissions.Prepare(snapshot.Rbac, CancellationToken.None);
        Owners = new OwnerResolver(snapshot.ReplicaSetOwners, snapshot.JobOwners);
        const LazyThreadSafetyMode once = LazyThreadSafetyMode.ExecutionAndPublication;
        _serviceAccounts = new(SortServiceAccounts, once);
        _serviceAccountKeys = new(() => ServiceAccounts.Select(Ref).ToHashSet(), once);
        _pods = new(JoinPods, once);
        _usageTotals = new(() => UsageJoiner.Summarize(_pods.Value.Usage, _pods.Value.Accounts), once);
        _secretUsers = new(IndexSecretUsers, once);
    }

    // Read from the API they are in the listing order already: checked, not sorted.
    private IReadOnlyList<V1ServiceAccount> SortServiceAccounts() =>
        ListingOrder.Ordered(Snapshot.ServiceAccounts.Where(sa => !string.IsNullOrEmpty(sa.Metadata?.Name)).ToList(), ServiceAccountOrder);

    private PodsJoin JoinPods()
    {
        // Read from the API the pods are in the listing order (checked, not sorted), and the join keeps the order of
        // the pods it is given (UsageJoiner.Join: one row per pod), so Usage[i] is the row of Pods[i] and a check
        // needs no index of the pods by name.
        var pods = ListingOrder.Ordered(Snapshot.Pods, PodOrder);
        var accounts = Snapshot.ServiceAccounts.Select(ServiceAccountFacts.From).OfType<ServiceAccountFacts>().ToList();
        var usage = UsageJoiner.Join(pods.Select(p => p.Facts), accounts, Owners);
        return new PodsJoin(pods, usage, accounts);
    }

    private static readonly IComparer<V1ServiceAccount> ServiceAccountOrder =
        ListingOrder.By<V1ServiceAccount>(sa => sa.Metadata.NamespaceProperty, sa => sa.Metadata.Name);

    private static readonly IComparer<AuditPod> PodOrder = ListingOrder.By<AuditPod>(p => p.Namespace, p => p.Name);

    public AuditSnapshot Snapshot { get; }
    public DateTime UtcNow { get; }
    /// <summary>The RBAC answers per ServiceAccount, prepared by the reader while pods were still arriving, or here.</summary>
    public AuditPermissions Permissions { get; }
    public OwnerResolver Owners { get; }

    /// <summary>One row per pod (the usage join), in the listing order.</summary>
    public IReadOnlyList<PodUsage> Usage => _pods.Value.Usage;

    /// <summary>The pod of each <see cref="Usage"/> row, at the same index.</summary>
    public IReadOnlyList<AuditPod> UsagePods => _pods.Value.Pods;

    /// <summary>One row per ServiceAccount, as Get-K8sServiceAccountUsage -Summary gives them.</summary>
    public IReadOnlyList<ServiceAccountUsageTotals> UsageTotals => _usageTotals.Value;

    /// <summary>The named ServiceAccounts, in the listing order.</summary>
    public IReadOnlyList<V1ServiceAccount> ServiceAccounts => _serviceAccounts.Value;

    /// <summary>The named ServiceAccounts' keys (SA11 looks subjects up here).</summary>
    public IReadOnlySet<ServiceAccountRef> ServiceAccountKeys => _serviceAccountKeys.Value;

    public static ServiceAccountRef Ref(V1ServiceAccount sa) => new(sa.Metadata.NamespaceProperty ?? string.Empty, sa.Metadata.Name);

    public static bool IsDefault(string serviceAccountName) => serviceAccountName == PodServiceAccount.DefaultName;

    /// <summary>The grants beyond the baseline (<see cref="BaselinePermissions"/>), computed once per ServiceAccount.</summary>
    public IReadOnlyList<EffectiveGrant> BeyondBaseline(ServiceAccountRef sa) => Permissions.BeyondBaseline(sa);

    /// <summary>The RiskLevel Get-K8sEffectivePermission -Summary gives, without building the summary.</summary>
    public RiskLevel RiskLevel(ServiceAccountRef sa) => Permissions.RiskLevel(sa);

    /// <summary>The permission summary Get-K8sEffectivePermission -Summary gives, computed once per ServiceAccount.</summary>
    public ServiceAccountPermissionSummary Summary(ServiceAccountRef sa) => Permissions.Summary(sa);

    /// <summary>
    /// The named pods of a namespace that reference a Secret (<see cref="AuditPod.SecretNames"/>), in the order the
    /// pods were listed; every pod is indexed once, on the first question, instead of scanning a namespace's pods
    /// per Secret.
    /// </summary>
    public IEnumerable<LegacyTokenCleanerRules.MountingPod> PodsReferencing(string ns, string secret) =>
        _secretUsers.Value.TryGetValue((ns, secret), out var found) ? found : Enumerable.Empty<LegacyTokenCleanerRules.MountingPod>();

    private Dictionary<(string Namespace, string Secret), List<LegacyTokenCleanerRules.MountingPod>> IndexSecretUsers()
    {
        var users = new Dictionary<(string Namespace, string Secret), List<LegacyTokenCleanerRules.MountingPod>>();
        foreach (var pod in Snapshot.Pods)
        {
            if (pod.Mounting is not { } mounting) continue;
            foreach (var name in pod.SecretNames)
            {
                if (!users.TryGetValue((pod.Namespace, name), out var list)) users[(pod.Namespace, name)] = list = new();
                list.Add(mounting);
            }
        }
        return users;
    }

    /// <summary>"RoleBinding shop/x (ClusterRole edit)" or "ClusterRoleBinding y (ClusterRole view) via group g".</summary>
    public static string Describe(EffectiveGrant grant)
    {
        var binding = grant.BindingNamespace is null ? grant.BindingName : grant.BindingNamespace + "/" + grant.BindingName;
        var via = grant.GrantedVia is RbacIndex.ServiceAccountVia or RbacIndex.UserVia ? string.Empty : " via group " + grant.GrantedVia;
        return $"{grant.BindingKind} {binding} ({grant.RoleKind} {grant.RoleName}){via}";
    }

    /// <summary>Each binding once, in grant order.</summary>
    public static IReadOnlyList<string> DescribeBindings(IEnumerable<EffectiveGrant> grants) =>
        grants.Select(Describe).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The command that removes a binding, or the subject from it when it names a group.</summary>
    public static string RemoveBindingCommand(EffectiveGrant grant)
    {
        var target = grant.BindingKind == BindingKind.ClusterRoleBinding
            ? $"clusterrolebinding {grant.BindingName}"
            : $"rolebinding {grant.BindingName} -n {grant.BindingNamespace}";
        return grant.GrantedVia is RbacIndex.ServiceAccountVia or RbacIndex.UserVia
            ? $"kubectl delete {target}"
            : $"kubectl edit {target}  # remove the subject Group {grant.GrantedVia}";
    }
}
