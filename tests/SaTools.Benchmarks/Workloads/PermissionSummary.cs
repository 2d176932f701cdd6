namespace SaTools.Benchmarks.Workloads;

/// <summary>Workload 2: <c>Get-K8sEffectivePermission -AllNamespaces -Summary</c>, one row per ServiceAccount.</summary>
public sealed class PermissionSummary : ModuleWorkload
{
    public const string WorkloadKey = "w2-permission-summary";

    public override string Key => WorkloadKey;

    public override string Title => "2 Get-K8sEffectivePermission -AllNamespaces -Summary";

    public override IReadOnlyList<string> Cmdlets => ["Get-K8sEffectivePermission"];

    public override string Script =>
        "Get-K8sEffectivePermission -AllNamespaces -Summary -Kubeconfig $args[0]";

    public override string WarmUpScript => Script;

    public override IReadOnlyList<string> MinimumLists => RbacLists.All;

    public override string? PeerKey => Peers.KubectlCanIList.PeerKey;

    public override bool PeerRatioPerObject => true;

    public override bool ReportsEvaluationTime => true;

    public override string Note => "objects = ServiceAccounts summarised; peer ratio per ServiceAccount covered";
}
