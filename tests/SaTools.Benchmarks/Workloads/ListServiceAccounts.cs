namespace SaTools.Benchmarks.Workloads;

/// <summary>Workload 1: <c>Get-K8sServiceAccount -AllNamespaces</c>, counted.</summary>
public sealed class ListServiceAccounts : ModuleWorkload
{
    public const string WorkloadKey = "w1-list-serviceaccounts";

    public override string Key => WorkloadKey;

    public override string Title => "1 Get-K8sServiceAccount -AllNamespaces";

    public override IReadOnlyList<string> Cmdlets => ["Get-K8sServiceAccount"];

    public override string Script =>
        "Get-K8sServiceAccount -AllNamespaces -Kubeconfig $args[0]";

    public override string WarmUpScript => Script;

    public override IReadOnlyList<string> MinimumLists => ["serviceaccounts"];

    public override string? PeerKey => Peers.KubectlGetServiceAccounts.PeerKey;
}
