using k8s.Models;
using SaTools.Engine.Pods;

namespace SaTools.Engine.Usage;

/// <summary>Joins pods to ServiceAccounts and sums the join up per ServiceAccount.</summary>
internal static class UsageJoiner
{
    public static IReadOnlyList<PodUsage> Join(
        IEnumerable<V1Pod> pods, IEnumerable<V1ServiceAccount> serviceAccounts, OwnerResolver owners)
    {
        var byKey = serviceAccounts
            .Where(sa => sa.Metadata?.Name is not null)
            .GroupBy(sa => (sa.Metadata.NamespaceProperty ?? string.Empty, sa.Metadata.Name))
            .ToDictionary(g => g.Key, g => g.First());
        var rows = new List<PodUsage>();
        foreach (var pod in pods)
        {
            var ns = pod.Metadata?.NamespaceProperty ?? string.Empty;
            var saName = PodServiceAccount.NameOf(pod);
            byKey.TryGetValue((ns, saName), out var sa);
            var owner = owners.Resolve(pod);
            var podField = pod.Spec?.AutomountServiceAccountToken;
            var saField = sa?.AutomountServiceAccountToken;
            var declares = TokenMountRule.DeclaresTokenVolume(pod);
            rows.Add(new PodUsage(ns, pod.Metadata?.Name ?? string.Empty, owner?.Kind, owner?.Name, saName, sa is not null,
                saName == PodServiceAccount.DefaultName, podField, saField, declares,
                TokenMountRule.Effective(podField, saField, declares), pod.Status?.Phase));
        }
        return rows.OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Pod, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// One row per ServiceAccount of <paramref name="serviceAccounts"/>, plus one per ServiceAccount a pod names
    /// that does not exist. <c>Unused</c>: no pod uses it, and it is not a namespace's <c>default</c> (which exists
    /// in every namespace whether used or not).
    /// </summary>
    public static IReadOnlyList<ServiceAccountUsageTotals> Summarize(
        IReadOnlyList<PodUsage> usage, IEnumerable<V1ServiceAccount> serviceAccounts)
    {
        var rows = new Dictionary<(string, string), (bool Exists, bool? Field)>();
        foreach (var sa in serviceAccounts)
        {
            if (sa.Metadata?.Name is null)
            {
                continue;
            }
            rows[(sa.Metadata.NamespaceProperty ?? string.Empty, sa.Metadata.Name)] = (true, sa.AutomountServiceAccountToken);
        }
        foreach (var u in usage)
        {
            rows.TryAdd((u.Namespace, u.ServiceAccount), (false, null));
        }
        var byAccount = usage.ToLookup(u => (u.Namespace, u.ServiceAccount));
        return rows
            .Select(kv =>
            {
                var pods = byAccount[kv.Key].ToList();
                return new ServiceAccountUsageTotals(kv.Key.Item1, kv.Key.Item2, kv.Value.Exists, kv.Value.Field,
                    pods.Count, pods.Count(p => p.TokenMounted), pods.Select(p => p.Pod).ToList(),
                    pods.Count == 0 && kv.Key.Item2 != PodServiceAccount.DefaultName);
            })
            .OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.ServiceAccount, StringComparer.Ordinal)
            .ToList();
    }
}
