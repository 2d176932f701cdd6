using System.Management.Automation;
using SaTools.Benchmarks.Measurement;

namespace SaTools.Benchmarks.Workloads;

/// <summary>
/// Workload 5: <c>New-K8sBoundToken</c> then <c>Test-K8sTokenReview</c> for a sample of ServiceAccounts (500; 50
/// in quick mode), piped as a runbook would. The ServiceAccounts are chosen before the window, spread evenly over
/// the cluster's list.
/// </summary>
public sealed class BoundTokenRoundTrip(int serviceAccounts) : ModuleWorkload
{
    public const string WorkloadKey = "w5-bound-token-review";

    public override string Key => WorkloadKey;

    public override string Title => $"5 New-K8sBoundToken | Test-K8sTokenReview x{serviceAccounts}";

    public override IReadOnlyList<string> Cmdlets => ["New-K8sBoundToken", "Test-K8sTokenReview"];

    public override string Script =>
        "$args[1] | New-K8sBoundToken -Kubeconfig $args[0] | Test-K8sTokenReview -Kubeconfig $args[0] | Where-Object Authenticated";

    public override string Note => "objects = tokens minted and reviewed as authenticated";

    public override object? Prepare(ClusterCensus census) =>
        Sample.Evenly(census.ServiceAccounts, serviceAccounts)
            .Select(sa =>
            {
                var o = new PSObject();
                o.Properties.Add(new PSNoteProperty("Namespace", sa.Namespace));
                o.Properties.Add(new PSNoteProperty("Name", sa.Name));
                return o;
            })
            .ToArray();
}
