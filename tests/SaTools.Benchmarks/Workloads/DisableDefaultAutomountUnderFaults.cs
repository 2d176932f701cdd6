using KubeSandbox.Faults;
using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;

namespace SaTools.Benchmarks.Workloads;

/// <summary>
/// Issue 6's safety run: <c>Disable-K8sDefaultAutomount -AllNamespaces</c> on the fresh scale scenario while the
/// sandbox answers some PATCHes with 429 (Retry-After 1 s), 500 or a connection reset, and fails the first
/// ServiceAccount and pod lists once each (503, reset). <see cref="AutomountSafety"/> then checks the outcome
/// against a before/after dump of every ServiceAccount. Its time is reported, not held to a target.
/// </summary>
public sealed class DisableDefaultAutomountUnderFaults : ModuleWorkload
{
    public const string WorkloadKey = "w4-disable-automount-faults";

    /// <summary>The share of PATCH attempts each write fault hits (three kinds: 6% of attempts in all).</summary>
    public const double WriteFaultProbability = 0.02;

    public override string Key => WorkloadKey;

    public override string Title => "4 Disable-K8sDefaultAutomount -AllNamespaces under faults";

    public override IReadOnlyList<string> Cmdlets => ["Disable-K8sDefaultAutomount"];

    public override string Script => "Disable-K8sDefaultAutomount -AllNamespaces -Confirm:$false -Kubeconfig $args[0]";

    public override bool ChangesDefaultServiceAccounts => true;

    public override IReadOnlyList<InjectedFault> Faults =>
    [
        new(FaultKind.TooManyRequests, "/api/v1/namespaces/", "PATCH", WriteFaultProbability),
        new(FaultKind.InternalError, "/api/v1/namespaces/", "PATCH", WriteFaultProbability),
        new(FaultKind.ConnectionReset, "/api/v1/namespaces/", "PATCH", WriteFaultProbability),
        new(FaultKind.ServiceUnavailable, "/api/v1/serviceaccounts", "GET", Times: 1),
        new(FaultKind.ConnectionReset, "/api/v1/pods", "GET", Times: 1),
    ];

    public override int? WritesNeeded(ClusterCensus census) => census.DefaultsNeedingChange;

    public override string Note =>
        $"objects = ServiceAccounts the store wrote (a PATCH resent after a lost answer changes nothing); faults: 429 (Retry-After 1 s), 500 and resets on {WriteFaultProbability:P0} of PATCH attempts each, " +
        "one 503 on the ServiceAccount list and one reset on the pod list; fresh scenario: " + ScenarioRestore.Method;
}
