using System.Runtime.InteropServices;
using SaTools.Engine.Names;
using SaTools.Engine.Usage;
using Workload = (string Kind, string? Name);

namespace SaTools.Engine.Audit.Checks;

/// <summary>SA05: a non-default ServiceAccount runs pods of more than one workload (distinct top-level owners,
/// resolved as Get-K8sServiceAccountUsage resolves them; a pod without a controller is a workload of its own).</summary>
internal sealed class Sa05SharedServiceAccount : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA05", "ServiceAccount shared by several workloads", AuditSeverity.Low, "Low",
        "Checklist: \"Create dedicated service accounts per workload role\" (\"one service account per workload role\"); " +
        "kubernetes.io/docs/concepts/security/rbac-good-practices (Least privilege)",
        "non-default ServiceAccounts used by pods");

    public CheckOutcome Evaluate(AuditContext context)
    {
        // One pass over the pods (40,000 at the benchmark's scale), with no lambda per pod: per non-default
        // ServiceAccount, its first pod's workload and every other workload one of its pods belongs to. Most
        // ServiceAccounts run one workload and are passed over before any workload name is built or sorted.
        var usage = context.Usage;
        var accounts = new Dictionary<(string Namespace, string ServiceAccount), (Workload First, HashSet<Workload>? Others)>();
        for (var i = 0; i < usage.Count; i++)
        {
            var pod = usage[i];
            if (pod.UsesDefault) continue;
            ref var seen = ref CollectionsMarshal.GetValueRefOrAddDefault(accounts, (pod.Namespace, pod.ServiceAccount), out var exists);
            var workload = WorkloadOf(pod);
            if (!exists) seen.First = workload;
            else if (workload != seen.First) (seen.Others ??= new()).Add(workload);
        }

        var shared = new List<(string Namespace, string ServiceAccount, Workload First, HashSet<Workload> Others)>();
        foreach (var ((ns, sa), seen) in accounts)
        {
            if (seen.Others is { } others) shared.Add((ns, sa, seen.First, others));
        }
        shared.Sort(static (a, b) => ListingOrder.Compare(a.Namespace, a.ServiceAccount, b.Namespace, b.ServiceAccount));

        var findings = new List<AuditFinding>();
        foreach (var (ns, sa, first, others) in shared)
        {
            // In order, and each once ("Kind/Name" of two workloads could read alike).
            var workloads = new SortedSet<string>(StringComparer.Ordinal) { $"{first.Kind}/{first.Name}" };
            foreach (var other in others) workloads.Add($"{other.Kind}/{other.Name}");
            if (workloads.Count < 2) continue;
            findings.Add(Definition.Finding("ServiceAccount", ns, sa, sa,
                $"ServiceAccount {ns}/{sa} runs {workloads.Count} workloads: {string.Join(", ", workloads)}.",
                string.Join("; ", workloads.Skip(1).Select(w =>
                {
                    var name = w[(w.IndexOf('/') + 1)..];
                    return $"kubectl create serviceaccount {name} -n {ns}; kubectl set serviceaccount {w.ToLowerInvariant()} {name} -n {ns}";
                }))));
        }
        return new CheckOutcome(Definition, accounts.Count, findings);
    }

    /// <summary>The workload a pod belongs to: its top-level owner, or the pod itself when it has none.</summary>
    private static Workload WorkloadOf(PodUsage pod) =>
        pod.OwnerKind is null ? ("Pod", pod.Pod) : (pod.OwnerKind, pod.OwnerName);
}
