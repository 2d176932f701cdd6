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

    public static StringList Of(RiskFlags flags, string? otherRisk)
    {
        var names = Order.Where(f => (flags & f) == f).Select(f => f.ToString()).ToList();
        if (otherRisk is not null)
        {
            names.Add(otherRisk);
        }

        return new StringList(names);
    }
}
