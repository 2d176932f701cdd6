namespace SaTools.Engine.Rbac;

/// <summary>
/// One thing a ServiceAccount may do: one rule of one role, reaching the ServiceAccount through one binding, in
/// one scope. A binding to a missing role gives one grant with <see cref="IsMissingRole"/> set and no rule.
/// </summary>
public sealed class EffectiveGrant
{
    public const string ClusterScope = "Cluster";

    private static readonly IReadOnlyList<string> Empty = Array.Empty<string>();

    private readonly RbacBinding _binding;
    private readonly ResolvedRule? _rule;

    internal EffectiveGrant(ServiceAccountRef serviceAccount, RbacBinding binding, string grantedVia, ResolvedRule? rule)
    {
        ServiceAccount = serviceAccount;
        _binding = binding;
        GrantedVia = grantedVia;
        _rule = rule;
    }

    public ServiceAccountRef ServiceAccount { get; }

    /// <summary>The namespace the grant applies in, or <see cref="ClusterScope"/>.</summary>
    public string Scope => _binding.ScopeNamespace ?? ClusterScope;

    public bool IsClusterScope => _binding.ScopeNamespace is null;

    /// <summary>The rule; null for a missing role.</summary>
    public RbacRule? Rule => _rule?.Rule;

    public IReadOnlyList<string> Verbs => _rule?.Rule.Verbs ?? Empty;
    public IReadOnlyList<string> ApiGroups => _rule?.Rule.ApiGroups ?? Empty;
    public IReadOnlyList<string> Resources => _rule?.Rule.Resources ?? Empty;
    public IReadOnlyList<string> ResourceNames => _rule?.Rule.ResourceNames ?? Empty;
    public IReadOnlyList<string> NonResourceUrls => _rule?.Rule.NonResourceUrls ?? Empty;

    public BindingKind BindingKind => _binding.Kind;
    public string BindingName => _binding.Name;

    /// <summary>The RoleBinding's namespace; null for a ClusterRoleBinding.</summary>
    public string? BindingNamespace => _binding.Namespace;

    public string RoleKind => _binding.RoleKind;
    public string RoleName => _binding.RoleName;

    /// <summary><c>ServiceAccount</c> (a ServiceAccount subject), <c>User</c> (a User subject with the
    /// ServiceAccount's user name), or the group that matched.</summary>
    public string GrantedVia { get; }

    /// <summary>The ClusterRole that defines the rule, when it reached the role through aggregation.</summary>
    public string? AggregatedFrom => _rule?.AggregatedFrom;

    public bool IsMissingRole => _rule is null;

    public RiskFlags Flags => _rule?.FlagsAt(IsClusterScope) ?? RiskFlags.None;

    /// <summary>A risk the Good Practices page names that has no flag of its own (rated Medium).</summary>
    public string? OtherRisk => _rule?.OtherRiskAt(IsClusterScope);

    /// <summary>A grant every ServiceAccount gets from the default policy (rated None unless it grants a risk).</summary>
    public bool IsEveryServiceAccountDefault => BootstrapPolicy.IsEveryServiceAccountDefault(RoleKind, RoleName, GrantedVia);

    /// <summary>A grant of the default policy: one every ServiceAccount gets, or a controller's own
    /// (<see cref="BootstrapPolicy"/>).</summary>
    public bool IsBootstrapDefault =>
        IsEveryServiceAccountDefault || BootstrapPolicy.IsControllerDefault(ServiceAccount, BindingName, RoleName, GrantedVia);

    public RiskLevel RiskLevel => _rule is null
        ? RiskLevel.None
        : RiskAssessor.LevelFor(Flags, IsClusterScope, IsEveryServiceAccountDefault, OtherRisk is not null);

    /// <summary>
    /// A request this grant claims to allow, built from the first value of each list (wildcards kept literally,
    /// which a rule with <c>*</c> allows), for checking with a SubjectAccessReview; null for a missing role.
    /// </summary>
    public RbacRequest? SampleRequest()
    {
        if (_rule is null || Verbs.Count == 0)
        {
            return null;
        }

        if (Resources.Count == 0)
        {
            return NonResourceUrls.Count == 0 ? null : RbacRequest.ForNonResourceUrl(Verbs[0], NonResourceUrls[0]);
        }

        if (ApiGroups.Count == 0)
        {
            return null;
        }

        var resource = Resources[0];
        var slash = resource.IndexOf('/');
        var plain = slash < 0 ? resource : resource[..slash];
        var sub = slash < 0 ? string.Empty : resource[(slash + 1)..];
        return RbacRequest.ForResourceParts(Verbs[0], ApiGroups[0], plain, sub, ResourceNames.Count > 0 ? ResourceNames[0] : null, _binding.ScopeNamespace);
    }

    public override string ToString() =>
        $"{ServiceAccount} {Scope} {(Rule?.ToString() ?? "<missing role>")} via {BindingKind}/{BindingName} -> {RoleKind}/{RoleName} ({GrantedVia})";
}
