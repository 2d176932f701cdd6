namespace SaTools.Engine.Rbac;

/// <summary>Whether a grant comes from a ClusterRoleBinding (everywhere) or a RoleBinding (its namespace).</summary>
public enum BindingKind
{
    ClusterRoleBinding,
    RoleBinding,
}

/// <summary>A binding as the index keeps it: what it is, which role it references and that role's rules.</summary>
internal sealed class RbacBinding
{
    public RbacBinding(BindingKind kind, string name, string? ns, string roleKind, string roleName, ResolvedRole? role)
    {
        Kind = kind;
        Name = name;
        Namespace = ns;
        RoleKind = roleKind;
        RoleName = roleName;
        Role = role;
    }

    public BindingKind Kind { get; }
    public string Name { get; }

    /// <summary>The RoleBinding's namespace; null for a ClusterRoleBinding.</summary>
    public string? Namespace { get; }

    public string RoleKind { get; }
    public string RoleName { get; }

    /// <summary>The referenced role; null when it does not exist (reported as a missing role).</summary>
    public ResolvedRole? Role { get; }

    /// <summary>Where the binding's grants apply: its namespace, or null for everywhere (cluster scope).</summary>
    public string? ScopeNamespace => Kind == BindingKind.RoleBinding ? Namespace : null;
}

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

/// <summary>A binding that names a subject, and how (the ServiceAccount itself, its user name, or a group).</summary>
internal readonly record struct SubjectBinding(RbacBinding Binding, string GrantedVia);
