namespace SaTools.Benchmarks.Hosting;

/// <summary>
/// What putting the default ServiceAccounts back as the scenario generated them did: how many were rewritten
/// (those a run had changed; the others are left as they are, no new revision), and how many still differ from
/// the generated object afterwards in anything but <c>metadata.resourceVersion</c> (0, or the benchmark stops:
/// its next run would not start from the fresh scenario).
/// </summary>
public sealed record ScenarioRestore(int DefaultServiceAccounts, int Rewritten, int StillDiffering)
{
    /// <summary>How workload 4's "fresh scenario" is made, for the report.</summary>
    public const string Method =
        "before each repetition every default ServiceAccount is put back whole as the scale scenario generated it " +
        "(automountServiceAccountToken, managedFields, every other field; only resourceVersion moves on), written " +
        "in the sandbox's store directly, outside the timed window, sending no request";
}
