using SaTools.Engine.Usage;

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
        var used = context.Usage.Where(u => !u.UsesDefault).GroupBy(u => (u.Namespace, u.ServiceAccount)).ToList();
        var findings = new List<AuditFinding>();
        // Most ServiceAccounts run one workload: those are passed over before any workload name is built or sorted.
        var shared = used.Where(g =>
        {
            var first = WorkloadOf(g.First());
            return g.Any(u => WorkloadOf(u) != first);
        });
        foreach (var group in shared.OrderBy(g => g.Key.Namespace, StringComparer.Ordinal).ThenBy(g => g.Key.ServiceAccount, StringComparer.Ordinal))
        {
            var workloads = group
                .Select(WorkloadOf).Select(w => $"{w.Kind}/{w.Name}")
                .Distinct(StringComparer.Ordinal).OrderBy(w => w, StringComparer.Ordinal).ToList();
            if (workloads.Count < 2) continue;
            var (ns, sa) = group.Key;
            findings.Add(Definition.Finding("ServiceAccount", ns, sa, sa,
                $"ServiceAccount {ns}/{sa} runs {workloads.Count} workloads: {string.Join(", ", workloads)}.",
                string.Join("; ", workloads.Skip(1).Select(w =>
                {
                    var name = w[(w.IndexOf('/') + 1)..];
                    return $"kubectl create serviceaccount {name} -n {ns}; kubectl set serviceaccount {w.ToLowerInvariant()} {name} -n {ns}";
                }))));
        }
        return new CheckOutcome(Definition, used.Count, findings);
    }

    /// <summary>The workload a pod belongs to: its top-level owner, or the pod itself when it has none.</summary>
    private static (string Kind, string? Name) WorkloadOf(PodUsage pod) =>
        pod.OwnerKind is null ? ("Pod", pod.Pod) : (pod.OwnerKind, pod.OwnerName);
}
