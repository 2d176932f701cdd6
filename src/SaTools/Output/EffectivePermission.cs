using SaTools.Engine.Rbac;

namespace SaTools.Output;

/// <summary>
/// One grant: one rule of one role reaching one ServiceAccount through one binding, in one scope. Flat and
/// CSV-friendly (lists read <c>a; b</c> in Export-Csv); a binding to a missing role is one row with
/// <see cref="MissingRole"/> set and no rule.
/// </summary>
public sealed class EffectivePermission
{
    internal EffectivePermission(string context, EffectiveGrant grant, bool? verified, string? verifyDetail)
    {
        Context = context;
        Namespace = grant.ServiceAccount.Namespace;
        ServiceAccount = grant.ServiceAccount.Name;
        Scope = grant.Scope;
        Verbs = new StringList(grant.Verbs);
        ApiGroups = new ApiGroupList(grant.ApiGroups);
        Resources = new StringList(grant.Resources);
        ResourceNames = new StringList(grant.ResourceNames);
        NonResourceUrls = new StringList(grant.NonResourceUrls);
        BindingKind = grant.BindingKind.ToString();
        BindingName = grant.BindingName;
        BindingNamespace = grant.BindingNamespace;
        RoleKind = grant.RoleKind;
        RoleName = grant.RoleName;
        GrantedVia = grant.GrantedVia;
        AggregatedFrom = grant.AggregatedFrom;
        MissingRole = grant.IsMissingRole;
        Risks = RiskNames.Of(grant.Flags, grant.OtherRisk);
        RiskLevel = grant.RiskLevel.ToString();
        RiskRank = (int)grant.RiskLevel;
        BootstrapDefault = grant.IsBootstrapDefault;
        Verified = verified;
        VerifyDetail = verifyDetail;
    }

    /// <summary>The kubeconfig context (or <c>file:&lt;name&gt;</c> for -InputFile) the answer is about.</summary>
    public string Context { get; }

    /// <summary>The ServiceAccount's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The ServiceAccount's name.</summary>
    public string ServiceAccount { get; }

    /// <summary>Where the grant applies: a namespace (RoleBinding) or <c>Cluster</c> (ClusterRoleBinding: every
    /// namespace, cluster-scoped resources and non-resource URLs).</summary>
    public string Scope { get; }

    public StringList Verbs { get; }

    /// <summary>API groups; the core group is the empty string (shown as <c>""</c>).</summary>
    public ApiGroupList ApiGroups { get; }

    public StringList Resources { get; }

    public StringList ResourceNames { get; }

    public StringList NonResourceUrls { get; }

    /// <summary><c>ClusterRoleBinding</c> or <c>RoleBinding</c>.</summary>
    public string BindingKind { get; }

    public string BindingName { get; }

    /// <summary>The RoleBinding's namespace; empty for a ClusterRoleBinding.</summary>
    public string? BindingNamespace { get; }

    /// <summary><c>ClusterRole</c> or <c>Role</c>.</summary>
    public string RoleKind { get; }

    public string RoleName { get; }

    /// <summary><c>ServiceAccount</c> (named as such), <c>User</c> (named by its user name
    /// system:serviceaccount:ns:name), or the group: <c>system:serviceaccounts</c>,
    /// <c>system:serviceaccounts:&lt;ns&gt;</c>, <c>system:authenticated</c>.</summary>
    public string GrantedVia { get; }

    /// <summary>The ClusterRole the rule comes from when the role got it by aggregation.</summary>
    public string? AggregatedFrom { get; }

    /// <summary>True when the binding's role does not exist (the row grants nothing).</summary>
    public bool MissingRole { get; }

    /// <summary>The risk flags of this grant (ReadSecrets, CreateWorkloads...).</summary>
    public StringList Risks { get; }

    /// <summary>Critical, High, Medium, Low or None (see the help's NOTES).</summary>
    public string RiskLevel { get; }

    /// <summary>True for a grant of Kubernetes' default policy (1.33): one every ServiceAccount gets (basic-user,
    /// discovery, public-info-viewer, issuer discovery) or a kube-system controller's own
    /// <c>system:controller:&lt;name&gt;</c> binding. Filter on it to see only what was granted on top.</summary>
    public bool BootstrapDefault { get; }

    /// <summary>RiskLevel as a number for sorting: 4 Critical ... 0 None.</summary>
    public int RiskRank { get; }

    /// <summary>With -Verify: whether the API server's SubjectAccessReview allows what this row claims; empty
    /// without -Verify.</summary>
    public bool? Verified { get; }

    /// <summary>With -Verify: the request checked and the server's reason.</summary>
    public string? VerifyDetail { get; }

    public override string ToString() => $"{Namespace}/{ServiceAccount} {Scope} {Verbs} {Resources}{NonResourceUrls}";
}
