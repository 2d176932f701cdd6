namespace SaTools.Engine.Audit.Checks;

/// <summary>SA03: a pod runs as its namespace's default ServiceAccount (named nothing, or named default).</summary>
internal sealed class Sa03DefaultServiceAccountPod : IAuditCheck
{
    public AuditCheckDefinition Definition { get; } = new(
        "SA03", "Pod runs as the default ServiceAccount", AuditSeverity.Low, "Low",
        "Checklist: \"Create dedicated service accounts per workload role with minimal RBAC\" and \"find ... pods using default\"; " +
        "kubernetes.io/docs/concepts/security/rbac-good-practices (Least privilege: avoid the default ServiceAccount)",
        "pods");

    public CheckOutcome Evaluate(AuditContext context)
    {
        var findings = context.Usage
            .Where(u => u.UsesDefault)
            .Select(u =>
            {
                var owner = u.OwnerKind is null ? null : $"{u.OwnerKind.ToLowerInvariant()}/{u.OwnerName}";
                var dedicated = u.OwnerName ?? u.Pod;
                var fix = owner is null
                    ? $"kubectl create serviceaccount {dedicated} -n {u.Namespace}; set serviceAccountName: {dedicated} in pod {u.Pod} and recreate it"
                    : $"kubectl create serviceaccount {dedicated} -n {u.Namespace}; kubectl set serviceaccount {owner} {dedicated} -n {u.Namespace}";
                return Definition.Finding("Pod", u.Namespace, u.Pod, "default",
                    $"Pod {u.Namespace}/{u.Pod}{(owner is null ? "" : " (" + u.OwnerKind + "/" + u.OwnerName + ")")} runs as ServiceAccount default: whatever default is granted, every such pod gets.",
                    fix, workloadKind: u.OwnerKind, workloadName: u.OwnerName);
            })
            .ToList();
        return new CheckOutcome(Definition, context.Usage.Count, findings);
    }
}
