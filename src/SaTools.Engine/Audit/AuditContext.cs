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
/// (Engine/Usage), and the indexes the checks look up instead of scanning (pods by name, pods by Secret). Built
/// before any check runs and only read after (what is computed on first use is thread-safe), so the checks may run
/// side by side.
/// </summary>
internal sealed class AuditContext
{
    private readonly Lazy<Dictionary<(string Namespace, string Secret), List<LegacyTokenCleanerRules.MountingPod>>> _secretUsers;

    public AuditContext(AuditSnapshot snapshot, DateTime utcNow)
    {
        Snapshot = snapshot;
        UtcNow = utcNow;
        Permissions = snapshot.Permissions ?? AuditPermissions.Prepare(snapshot.Rbac, CancellationToken.None);
        var owners = Owners = new OwnerResolver(snapshot.ReplicaSetOwners, snapshot.JobOwners);
        IReadOnlyList<PodUsage> usage = [];
        IReadOnlyList<ServiceAccountUsageTotals> totals = [];
        List<V1ServiceAccount> serviceAccounts = [];
        HashSet<ServiceAccountRef> keys = [];
        Dictionary<(string, string), AuditPod> pods = [];
        // Three independent pieces, each a pass over tens of thousands of objects (the usage join, the sorted
        // ServiceAccounts, the pods by name), built side by side: the checks wait for all of them (60-70 ms one after
        // the other at the benchmark's scale, 40-46 ms side by side on two cores).
        void JoinPods()
        {
            var accounts = snapshot.ServiceAccounts.Select(ServiceAccountFacts.From).OfType<ServiceAccountFacts>().ToList();
            usage = UsageJoiner.Join(snapshot.Pods.Select(p => p.Facts), accounts, owners);
            totals = UsageJoiner.Summarize(usage, accounts);
        }
        void SortServiceAccounts()
        {
            // Read from the API they are in the listing order already: checked, not sorted.
            serviceAccounts = ListingOrder.Ordered(snapshot.ServiceAccounts.Where(sa => !string.IsNullOrEmpty(sa.Metadata?.Name)).ToList(), ServiceAccountOrder);
            keys = serviceAccounts.Select(Ref).ToHashSet();
        }
        void IndexPods()
        {
            // The first pod of a namespace and name, as the list served it.
            pods = new Dictionary<(string, string), AuditPod>(snapshot.Pods.Count);
            foreach (var pod in snapshot.Pods) pods.TryAdd((pod.Namespace, pod.Name), pod);
        }
        try
        {
            Parallel.Invoke(JoinPods, SortServiceAccounts, IndexPods);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        Usage = usage;
        UsageTotals = totals;
        ServiceAccounts = serviceAccounts;
        ServiceAccountKeys = keys;
        PodsByKey = pods;
        _secretUsers = new(IndexSecretUsers, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    private static readonly IComparer<V1ServiceAccount> ServiceAccountOrder =
        ListingOrder.By<V1ServiceAccount>(sa => sa.Metadata.NamespaceProperty, sa => sa.Metadata.Name);

    public AuditSnapshot Snapshot { get; }
    public DateTime UtcNow { get; }
    /// <summary>The RBAC answers per ServiceAccount, prepared by the reader while pods were still arriving, or here.</summary>
    public AuditPermissions Permissions { get; }
    public OwnerResolver Owners { get; }
    public IReadOnlyList<PodUsage> Usage { get; }
    public IReadOnlyList<ServiceAccountUsageTotals> UsageTotals { get; }
    public IReadOnlyList<V1ServiceAccount> ServiceAccounts { get; }
    public IReadOnlySet<ServiceAccountRef> ServiceAccountKeys { get; }
    public IReadOnlyDictionary<(string, string), AuditPod> PodsByKey { get; }

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
            if (pod.Name.Length == 0) continue;
            foreach (var name in pod.SecretNames)
            {
                if (!users.TryGetValue((pod.Namespace, name), out var list)) users[(pod.Namespace, name)] = list = new();
                list.Add(new LegacyTokenCleanerRules.MountingPod(pod.Name, pod.Created));
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
