using SaTools.Benchmarks.Peers;

namespace SaTools.Benchmarks.Workloads;

/// <summary>
/// Workload 7 (issue 15): <c>Invoke-K8sServiceAccountAudit -AllNamespaces</c>, all twelve checks. It must send
/// only list pages: one paged list per kind, all at once, nothing per object. Its CPU after the last list arrived
/// is the offline evaluation; compared with the checklist's own kubectl + jq pipelines for SA01, SA03 and SA07.
/// </summary>
public sealed class ServiceAccountAudit : ModuleWorkload
{
    public const string WorkloadKey = "w7-serviceaccount-audit";

    public override string Key => WorkloadKey;

    public override string Title => "7 Invoke-K8sServiceAccountAudit -AllNamespaces";

    public override IReadOnlyList<string> Cmdlets => ["Invoke-K8sServiceAccountAudit"];

    public override string Script => "Invoke-K8sServiceAccountAudit -AllNamespaces -Kubeconfig $args[0]";

    public override string WarmUpScript => Script;

    // The census counts these; the audit also lists replicasets.apps and jobs.batch once each (one page each in
    // the scale scenario, which stores no ReplicaSet or Job), so its requests are min req + 2.
    public override IReadOnlyList<string> MinimumLists =>
        ["namespaces", "serviceaccounts", "pods", "secrets", "roles", "rolebindings", "clusterroles", "clusterrolebindings"];

    public override bool ReportsEvaluationTime => true;

    public override string? PeerKey => KubectlJqChecklist.PeerKey;

    public override string? Note => "objects = findings; min req + 2 (replicasets, jobs lists); peer covers 3 of 12 checks";
}
