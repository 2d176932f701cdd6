using System.Runtime.CompilerServices;
using SaTools.Engine.Names;
using SaTools.Engine.Pods;

namespace SaTools.Engine.Usage;

/// <summary>Joins pods to ServiceAccounts and sums the join up per ServiceAccount.</summary>
internal static class UsageJoiner
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        // Rows come in the listing order, in which the API lists pods: 40,000 rows read from it are only checked,
        // not sorted. Pods of merged dumps may need sorting.
        return ListingOrder.Ordered(rows, RowOrder);
    }

    private static readonly IComparer<PodUsage> RowOrder = ListingOrder.By<PodUsage>(r => r.Namespace, r => r.Pod);

    /// <summary>
    /// One row per ServiceAccount of <paramref name="serviceAccounts"/>, plus one per ServiceAccount a pod names
    /// that does not exist. <c>Unused</c>: no pod uses it, and it is not a namespace's <c>default</c> (which exists
    /// in every namespace whether used or not).
    /// </summary>
    public static IReadOnlyList<ServiceAccountUsageTotals> Summarize(
        IReadOnlyList<PodUsage> usage, IEnumerable<ServiceAccountFacts> serviceAccounts)
    {
        // One pass over the pods into one tally per ServiceAccount (40,000 pods at the benchmark's scale): no
        // lookup, grouping or per-account query after the lists are in.
        var accounts = new Dictionary<(string, string), Tally>();
        foreach (var sa in serviceAccounts)
        {
            accounts[(sa.Namespace, sa.Name)] = new Tally(true, sa.Automount);
        }
        foreach (var u in usage)
        {
            if (!accounts.TryGetValue((u.Namespace, u.ServiceAccount), out var tally))
            {
                accounts[(u.Namespace, u.ServiceAccount)] = tally = new Tally(false, null);
            }
            tally.Pods.Add(u.Pod);
            if (u.TokenMounted) tally.WithToken++;
        }
        var rows = new List<ServiceAccountUsageTotals>(accounts.Count);
        foreach (var ((ns, name), tally) in accounts)
        {
            rows.Add(new ServiceAccountUsageTotals(ns, name, tally.Exists, tally.Field, tally.Pods.Count, tally.WithToken, tally.Pods,
                tally.Pods.Count == 0 && name != PodServiceAccount.DefaultName));
        }
        rows.Sort((a, b) => ListingOrder.Compare(a.Namespace, a.ServiceAccount, b.Namespace, b.ServiceAccount));
        return rows;
    }

    /// <summary>One ServiceAccount's pods (in the join's order) and how many of them get a token.</summary>
    private sealed class Tally(bool exists, bool? field)
    {
        public bool Exists { get; } = exists;
        public bool? Field { get; } = field;
        public List<string> Pods { get; } = new();
        public int WithToken { get; set; }
    }
}
