using SaTools.Benchmarks.Hosting;
using SaTools.Benchmarks.Measurement;

namespace SaTools.Benchmarks.Workloads;

/// <summary>
/// One SaTools workload, run through the real module in the hosted runspace. The timed script gets the
/// kubeconfig path in <c>$args[0]</c> and the prepared input (if any) in <c>$args[1]</c>; what it writes is
/// counted as it streams, not kept.
/// </summary>
public abstract class ModuleWorkload
{
    /// <summary>The JSON name (<c>w1-list-serviceaccounts</c>).</summary>
    public abstract string Key { get; }

    /// <summary>What the table shows (<c>1 Get-K8sServiceAccount -AllNamespaces</c>).</summary>
    public abstract string Title { get; }

    /// <summary>The cmdlets the script calls; the workload is skipped when the module does not export one.</summary>
    public abstract IReadOnlyList<string> Cmdlets { get; }

    /// <summary>The timed script.</summary>
    public abstract string Script { get; }

    /// <summary>A call run once before the first repetition outside any window, so the timed runs do not pay the
    /// cmdlet's first-use costs (JIT of its code paths and of the models it reads); null for none. It gets the
    /// kubeconfig path in <c>$args[0]</c>. The list workloads warm up with their timed script itself: a call for one
    /// namespace takes another path (read first, then written) than -AllNamespaces (rows written while the pages
    /// arrive), which the timed run would then compile while it is timed.</summary>
    public virtual string? WarmUpScript => null;

    /// <summary>The lists a listing or permission workload must read: its minimum is their pages, nothing per
    /// ServiceAccount or per namespace (issue 7). Empty for workloads with no such target.</summary>
    public virtual IReadOnlyList<string> MinimumLists => Array.Empty<string>();

    /// <summary>The kubectl peer it is compared with, if any.</summary>
    public virtual string? PeerKey => null;

    /// <summary>Compare with the peer per object out (per ServiceAccount covered) rather than per run.</summary>
    public virtual bool PeerRatioPerObject => false;

    /// <summary>True for a workload that changes the default ServiceAccounts: before each repetition they are put
    /// back as the scenario generated them, so every repetition starts from the fresh scenario.</summary>
    public virtual bool ChangesDefaultServiceAccounts => false;

    /// <summary>The injected latency the workload runs at; null for the benchmark's default.</summary>
    public virtual int? LatencyMs => null;

    /// <summary>Faults injected (besides the latency) while the workload runs; a workload with faults also gets
    /// issue 6's safety check (<see cref="AutomountSafety"/>).</summary>
    public virtual IReadOnlyList<InjectedFault> Faults => Array.Empty<InjectedFault>();

    /// <summary>True when the report should give the time after the last list arrived (workload 2).</summary>
    public virtual bool ReportsEvaluationTime => false;

    /// <summary>The input the timed script gets as <c>$args[1]</c>, built before the window opens.</summary>
    public virtual object? Prepare(ClusterCensus census) => null;

    /// <summary>The objects out: by default the number the script wrote.</summary>
    public virtual long? Objects(long written, RequestTally tally) => written;

    /// <summary>The writes the run must send (issue 6: one per ServiceAccount that needs the change); null when
    /// the workload has no such target.</summary>
    public virtual int? WritesNeeded(ClusterCensus census) => null;

    /// <summary>A note for the report (how objects are counted, what is scaled).</summary>
    public virtual string? Note => null;
}
