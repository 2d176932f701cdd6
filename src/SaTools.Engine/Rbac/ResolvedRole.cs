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
/// One rule of a role, shared by every grant that comes from it, with its risks computed once per scope kind.
/// </summary>
internal sealed class ResolvedRule
{
    private RiskFlags? _clusterFlags;
    private RiskFlags? _namespaceFlags;
    private string? _otherRisk;
    private bool _otherRiskKnown;

    public ResolvedRule(RbacRule rule, string? aggregatedFrom)
    {
        Rule = rule;
        AggregatedFrom = aggregatedFrom;
    }

    public RbacRule Rule { get; }
    public string? AggregatedFrom { get; }

    public RiskFlags FlagsAt(bool clusterScope) => clusterScope
        ? _clusterFlags ??= RiskAssessor.FlagsFor(Rule, clusterScope: true)
        : _namespaceFlags ??= RiskAssessor.FlagsFor(Rule, clusterScope: false);

    public string? OtherRiskAt(bool clusterScope)
    {
        if (!clusterScope)
        {
            return null;
        }

        if (!_otherRiskKnown)
        {
            _otherRisk = RiskAssessor.OtherRiskFor(Rule, clusterScope: true);
            _otherRiskKnown = true;
        }

        return _otherRisk;
    }
}
