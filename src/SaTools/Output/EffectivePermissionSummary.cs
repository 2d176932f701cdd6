using SaTools.Engine.Rbac;

namespace SaTools.Output;

/// <summary>One row per ServiceAccount (-Summary): counts, one column per risk flag, and the RiskLevel.</summary>
public sealed class EffectivePermissionSummary
{
    internal EffectivePermissionSummary(string context, ServiceAccountPermissionSummary summary, bool? verified)
    {
        Context = context;
        Namespace = summary.ServiceAccount.Namespace;
        ServiceAccount = summary.ServiceAccount.Name;
        RiskLevel = summary.RiskLevel.ToString();
        RiskRank = (int)summary.RiskLevel;
        GrantCount = summary.GrantCount;
        ClusterGrantCount = summary.ClusterGrantCount;
        NamespaceGrantCount = summary.NamespaceGrantCount;
        BindingCount = summary.BindingCount;
        MissingRoleCount = summary.MissingRoleCount;
        ClusterAdmin = summary.Has(RiskFlags.ClusterAdmin);
        ReadSecrets = summary.Has(RiskFlags.ReadSecrets);
        CreateWorkloads = summary.Has(RiskFlags.CreateWorkloads);
        ExecIntoPods = summary.Has(RiskFlags.ExecIntoPods);
        Impersonate = summary.Has(RiskFlags.Impersonate);
        EscalateOrBind = summary.Has(RiskFlags.EscalateOrBind);
        CreateTokens = summary.Has(RiskFlags.CreateTokens);
        NodeProxy = summary.Has(RiskFlags.NodeProxy);
        Wildcard = summary.Has(RiskFlags.Wildcard);
        Risks = RiskNames.Of(summary.Flags, null);
        RiskReasons = new StringList(summary.RiskReasons);
        Verified = verified;
    }

    public string Context { get; }
    public string Namespace { get; }
    public string ServiceAccount { get; }

    /// <summary>Critical, High, Medium, Low or None: the worst of the ServiceAccount's grants.</summary>
    public string RiskLevel { get; }

    /// <summary>RiskLevel as a number for sorting: 4 Critical ... 0 None.</summary>
    public int RiskRank { get; }

    public int GrantCount { get; }
    public int ClusterGrantCount { get; }
    public int NamespaceGrantCount { get; }
    public int BindingCount { get; }
    public int MissingRoleCount { get; }

    /// <summary>All verbs on all resources of all groups at cluster scope.</summary>
    public bool ClusterAdmin { get; }

    /// <summary>get, list or watch on secrets.</summary>
    public bool ReadSecrets { get; }

    /// <summary>create, update or patch on pods or pod controllers.</summary>
    public bool CreateWorkloads { get; }

    /// <summary>pods/exec or pods/attach.</summary>
    public bool ExecIntoPods { get; }

    /// <summary>impersonate on users, groups, ServiceAccounts, uids or user extras.</summary>
    public bool Impersonate { get; }

    /// <summary>escalate or bind on roles, or writing role bindings.</summary>
    public bool EscalateOrBind { get; }

    /// <summary>create on serviceaccounts/token.</summary>
    public bool CreateTokens { get; }

    /// <summary>nodes/proxy at cluster scope.</summary>
    public bool NodeProxy { get; }

    /// <summary>A <c>*</c> in verbs, groups, resources or URLs.</summary>
    public bool Wildcard { get; }

    /// <summary>The flags set, by name.</summary>
    public StringList Risks { get; }

    /// <summary>Why the level is Medium or worse: one line per risky binding and scope.</summary>
    public StringList RiskReasons { get; }

    /// <summary>With -Verify: true when the API server agreed with every grant checked.</summary>
    public bool? Verified { get; }

    public override string ToString() => $"{Namespace}/{ServiceAccount} {RiskLevel}";
}
