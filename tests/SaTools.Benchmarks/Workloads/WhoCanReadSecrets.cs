namespace SaTools.Benchmarks.Workloads;

/// <summary>Workload 3: who can read secrets, <c>Get-K8sEffectivePermission -AllNamespaces -Verb get -Resource secrets</c>.</summary>
public sealed class WhoCanReadSecrets : ModuleWorkload
{
    public const string WorkloadKey = "w3-who-can-read-secrets";

    public override string Key => WorkloadKey;

    public override string Title => "3 Get-K8sEffectivePermission -Verb get -Resource secrets";

    public override IReadOnlyList<string> Cmdlets => ["Get-K8sEffectivePermission"];

    public override string Script =>
        "Get-K8sEffectivePermission -AllNamespaces -Verb get -Resource secrets -Kubeconfig $args[0]";

    public override string WarmUpScript => Script;

    public override IReadOnlyList<string> MinimumLists => RbacLists.All;

    public override bool ReportsEvaluationTime => true;

    public override string Note => "objects = grants that allow get secrets";
}
