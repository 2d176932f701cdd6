using SaTools.Benchmarks.Measurement;

namespace SaTools.Benchmarks.Workloads;

/// <summary>
/// Workload 4: <c>Disable-K8sDefaultAutomount -AllNamespaces</c> on the fresh scale scenario (its default
/// ServiceAccounts put back whole as generated before each repetition: <see cref="Hosting.ScenarioRestore"/>), with the default throttle or <c>-ThrottleLimit 1</c>, at the
/// benchmark's latency or at the 20 ms issue 6 names.
/// </summary>
public sealed class DisableDefaultAutomount(int? throttleLimit, int? latencyMs) : ModuleWorkload
{
    public const string DefaultKey = "w4-disable-automount";

    /// <summary>The runs: the targets compare each default-throttle run with its -ThrottleLimit 1 twin, at the
    /// benchmark's latency and at <paramref name="slowLatencyMs"/> (once when the two are the same).</summary>
    public static IReadOnlyList<DisableDefaultAutomount> Variants(int latencyMs, int slowLatencyMs) =>
        latencyMs == slowLatencyMs
            ? [new(null, null), new(1, null)]
            : [new(null, null), new(1, null), new(null, slowLatencyMs), new(1, slowLatencyMs)];

    public int? ThrottleLimit => throttleLimit;

    public override int? LatencyMs => latencyMs;

    public override string Key => KeyFor(throttleLimit, latencyMs);

    public static string KeyFor(int? throttleLimit, int? latencyMs) =>
        DefaultKey + (throttleLimit is { } t ? $"-throttle{t}" : "") + (latencyMs is { } l ? $"-{l}ms" : "");

    public override string Title =>
        "4 Disable-K8sDefaultAutomount -AllNamespaces" + (throttleLimit is { } t ? $" -ThrottleLimit {t}" : "") + (latencyMs is { } l ? $" @{l}ms" : "");

    public override IReadOnlyList<string> Cmdlets => ["Disable-K8sDefaultAutomount"];

    public override string Script =>
        "Disable-K8sDefaultAutomount -AllNamespaces -Confirm:$false -Kubeconfig $args[0]" +
        (throttleLimit is { } t ? $" -ThrottleLimit {t}" : "");

    public override bool ChangesDefaultServiceAccounts => true;

    public override string? PeerKey => throttleLimit is null && latencyMs is null ? Peers.KubectlPatchLoop.PeerKey : null;

    /// <summary>A ServiceAccount patched is the object out (the cmdlet writes nothing without -PassThru).</summary>
    public override long? Objects(long written, RequestTally tally) => tally.SuccessfulPatches;

    public override int? WritesNeeded(ClusterCensus census) => census.DefaultsNeedingChange;

    public override string Note => "objects = successful PATCHes; fresh scenario: " + Hosting.ScenarioRestore.Method;
}
