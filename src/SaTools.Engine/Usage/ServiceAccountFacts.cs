using k8s.Models;

namespace SaTools.Engine.Usage;

/// <summary>What the usage join needs of one ServiceAccount, taken from it as its page arrives.</summary>
internal sealed record ServiceAccountFacts(string Namespace, string Name, bool? Automount)
{
    /// <returns>Null for an object without a name (never served, but not worth a crash).</returns>
    public static ServiceAccountFacts? From(V1ServiceAccount sa) =>
        sa.Metadata?.Name is { } name
            ? new ServiceAccountFacts(sa.Metadata.NamespaceProperty ?? string.Empty, name, sa.AutomountServiceAccountToken)
            : null;
}
