using k8s.Models;
using SaTools.Engine.Pods;
using SaTools.Engine.Rbac;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Audit;

/// <summary>
/// The snapshot prepared once for every check: the RBAC evaluator, the pod-to-ServiceAccount join with resolved
/// owners (Engine/Usage), and per-ServiceAccount answers computed on first use and shared by the checks that ask
/// (permission summary, grants beyond the baseline).
/// </summary>
internal sealed class AuditContext
{
    private readonly Dictionary<ServiceAccountRef, IReadOnlyList<EffectiveGrant>> _beyond = new();
    private readonly Dictionary<ServiceAccountRef, ServiceAccountPermissionSummary> _summaries = new();

    public AuditContext(AuditSnapshot snapshot, DateTime utcNow)
    {
        Snapshot = snapshot;
        UtcNow = utcNow;
        Evaluator = new EffectivePermissionEvaluator(new RbacIndex(snapshot.Rbac));
        Owners = new OwnerResolver(snapshot.ReplicaSetOwners, snapshot.JobOwners);
        var accounts = snapshot.ServiceAccounts.Select(ServiceAccountFacts.From).OfType<ServiceAccountFacts>().ToList();
        Usage = UsageJoiner.Join(snapshot.Pods.Select(PodFacts.From), accounts, Owners);
        UsageTotals = UsageJoiner.Summarize(Usage, accounts);
        ServiceAccounts = snapshot.ServiceAccounts
            .Where(sa => !string.IsNullOrEmpty(sa.Metadata?.Name))
            .OrderBy(sa => sa.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(sa => sa.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        ServiceAccountKeys = ServiceAccounts.Select(Ref).ToHashSet();
        PodsByKey = snapshot.Pods
            .GroupBy(p => (p.Metadata?.NamespaceProperty ?? string.Empty, p.Metadata?.Name ?? string.Empty))
            .ToDictionary(g => g.Key, g => g.First());
    }

    public AuditSnapshot Snapshot { get; }
    public DateTime UtcNow { get; }
    public EffectivePermissionEvaluator Evaluator { get; }
    public OwnerResolver Owners { get; }
    public IReadOnlyList<PodUsage> Usage { get; }
    public IReadOnlyList<ServiceAccountUsageTotals> UsageTotals { get; }
    public IReadOnlyList<V1ServiceAccount> ServiceAccounts { get; }
    public IReadOnlySet<ServiceAccountRef> ServiceAccountKeys { get; }
    public IReadOnlyDictionary<(string, string), V1Pod> PodsByKey { get; }

    public static ServiceAccountRef Ref(V1ServiceAccount sa) => new(sa.Metadata.NamespaceProperty ?? string.Empty, sa.Metadata.Name);

    public static bool IsDefault(string serviceAccountName) => serviceAccountName == PodServiceAccount.DefaultName;

    /// <summary>The grants beyond the baseline (<see cref="BaselinePermissions"/>), computed once per ServiceAccount.</summary>
    public IReadOnlyList<EffectiveGrant> BeyondBaseline(ServiceAccountRef sa)
    {
        if (!_beyond.TryGetValue(sa, out var grants))
        {
            _beyond[sa] = grants = BaselinePermissions.BeyondBaseline(Evaluator, sa);
        }
        return grants;
    }

    /// <summary>The permission summary Get-K8sEffectivePermission -Summary gives, computed once per ServiceAccount.</summary>
    public ServiceAccountPermissionSummary Summary(ServiceAccountRef sa)
    {
        if (!_summaries.TryGetValue(sa, out var summary))
        {
            _summaries[sa] = summary = Evaluator.Summarize(sa);
        }
        return summary;
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
