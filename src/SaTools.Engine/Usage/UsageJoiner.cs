using SaTools.Engine.Pods;

namespace SaTools.Engine.Usage;

/// <summary>Joins pods to ServiceAccounts and sums the join up per ServiceAccount.</summary>
internal static class UsageJoiner
{
    public static IReadOnlyList<PodUsage> Join(
        IEnumerable<PodFacts> pods, IEnumerable<ServiceAccountFacts> serviceAccounts, OwnerResolver owners)
    {
        var byKey = new Dictionary<(string, string), ServiceAccountFacts>();
        foreach (var sa in serviceAccounts)
        {
            byKey.TryAdd((sa.Namespace, sa.Name), sa);
        }
        var rows = new List<PodUsage>();
        foreach (var pod in pods)
        {
            byKey.TryGetValue((pod.Namespace, pod.ServiceAccount), out var sa);
            var owner = owners.Resolve(pod);
            var saField = sa?.Automount;
            rows.Add(new PodUsage(pod.Namespace, pod.Name, owner?.Kind, owner?.Name, pod.ServiceAccount, sa is not null,
                pod.ServiceAccount == PodServiceAccount.DefaultName, pod.AutomountPod, saField, pod.DeclaresTokenVolume,
                TokenMountRule.Effective(pod.AutomountPod, saField, pod.DeclaresTokenVolume), pod.Phase));
        }
        rows.Sort((a, b) =>
        {
            var byNamespace = string.CompareOrdinal(a.Namespace, b.Namespace);
            return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.Pod, b.Pod);
        });
        return rows;
    }

    /// <summary>
    /// One row per ServiceAccount of <paramref name="serviceAccounts"/>, plus one per ServiceAccount a pod names
    /// that does not exist. <c>Unused</c>: no pod uses it, and it is not a namespace's <c>default</c> (which exists
    /// in every namespace whether used or not).
    /// </summary>
    public static IReadOnlyList<ServiceAccountUsageTotals> Summarize(
        IReadOnlyList<PodUsage> usage, IEnumerable<ServiceAccountFacts> serviceAccounts)
    {
        var rows = new Dictionary<(string, string), (bool Exists, bool? Field)>();
        foreach (var sa in serviceAccounts)
        {
            rows[(sa.Namespace, sa.Name)] = (true, sa.Automount);
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
