namespace SaTools.Benchmarks.Workloads;

/// <summary>Workload 6 (issue 8): <c>Get-K8sServiceAccountUsage -AllNamespaces -Summary</c>, pods joined to
/// ServiceAccounts, one row per ServiceAccount.</summary>
public sealed class ServiceAccountUsageSummary : ModuleWorkload
{
    public const string WorkloadKey = "w6-serviceaccount-usage-summary";

    public override string Key => WorkloadKey;

    public override string Title => "6 Get-K8sServiceAccountUsage -AllNamespaces -Summary";

    public override IReadOnlyList<string> Cmdlets => ["Get-K8sServiceAccountUsage"];

    public override string Script =>
        "Get-K8sServiceAccountUsage -AllNamespaces -Summary -Kubeconfig $args[0]";

    public override string WarmUpScript => Script;

    public override IReadOnlyList<string> MinimumLists => ["pods", "serviceaccounts"];
}
