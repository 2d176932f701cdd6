using SaTools.Engine.Rbac;

namespace SaTools.Output;

/// <summary>Risk flags as names (engine enums are not shown to PowerShell: they live in SaTools' load context).</summary>
internal static class RiskNames
{
    private static readonly RiskFlags[] Order =
    {
        RiskFlags.ClusterAdmin, RiskFlags.ReadSecrets, RiskFlags.CreateWorkloads, RiskFlags.ExecIntoPods, RiskFlags.Impersonate,
        RiskFlags.EscalateOrBind, RiskFlags.CreateTokens, RiskFlags.NodeProxy, RiskFlags.Wildcard,
    };

    // One read-only list per set of flags, made on first use: a summary row is written for every ServiceAccount of
    // the cluster (22,000 at scale), and nearly all of them share a few sets.
    private static readonly StringList?[] ByFlags = new StringList?[(int)AllFlags() + 1];

    public static StringList Of(RiskFlags flags, string? otherRisk)
    {
        if (otherRisk is null && (int)flags < ByFlags.Length)
        {
            return Volatile.Read(ref ByFlags[(int)flags]) ?? (ByFlags[(int)flags] = Names(flags, null));
        }

        return Names(flags, otherRisk);
    }

    private static StringList Names(RiskFlags flags, string? otherRisk)
    {
        var names = Order.Where(f => (flags & f) == f).Select(f => f.ToString()).ToList();
        if (otherRisk is not null)
        {
            names.Add(otherRisk);
        }

        return new StringList(names);
    }

    private static RiskFlags AllFlags() => Order.Aggregate(RiskFlags.None, (all, f) => all | f);
}
