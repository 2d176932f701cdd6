namespace SaTools.Engine.Rbac;

/// <summary>A Role or ClusterRole with its effective rules (aggregation already applied).</summary>
internal sealed class ResolvedRole
{
    public ResolvedRole(string kind, string name, string? ns, IReadOnlyList<ResolvedRule> rules)
    {
        Kind = kind;
        Name = name;
        Namespace = ns;
        Rules = rules;
    }

    public string Kind { get; }
    public string Name { get; }
    public string? Namespace { get; }
    public IReadOnlyList<ResolvedRule> Rules { get; }
}

/// <summary>
/// One rule of a role, shared by every grant that comes from it, with its risks computed once. Grants are evaluated
/// on two threads at once (EffectivePermissionReader), so the risks are published whole, in one reference.
/// </summary>
internal sealed class ResolvedRule
{
    private Risks? _risks;

    public ResolvedRule(RbacRule rule, string? aggregatedFrom)
    {
        Rule = rule;
        AggregatedFrom = aggregatedFrom;
    }

    public RbacRule Rule { get; }
    public string? AggregatedFrom { get; }

    public RiskFlags FlagsAt(bool clusterScope) => clusterScope ? RisksOf().ClusterFlags : RisksOf().NamespaceFlags;

    public string? OtherRiskAt(bool clusterScope) => clusterScope ? RisksOf().ClusterOtherRisk : null;

    private Risks RisksOf()
    {
        if (Volatile.Read(ref _risks) is { } known)
        {
            return known;
        }

        var risks = new Risks(
            RiskAssessor.FlagsFor(Rule, clusterScope: true),
            RiskAssessor.FlagsFor(Rule, clusterScope: false),
            RiskAssessor.OtherRiskFor(Rule, clusterScope: true));
        // Two threads may compute the same risks; either answer is the one kept.
        return Interlocked.CompareExchange(ref _risks, risks, null) ?? risks;
    }

    private sealed record Risks(RiskFlags ClusterFlags, RiskFlags NamespaceFlags, string? ClusterOtherRisk);
}
