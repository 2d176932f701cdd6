namespace SaTools.Engine.Rbac;

/// <summary>
/// The privilege-escalation risks of the Kubernetes "RBAC Good Practices" page
/// (kubernetes.io/docs/concepts/security/rbac-good-practices, "Kubernetes RBAC - privilege escalation risks")
/// that a grant carries. Wildcards count as what they grant: <c>*</c> verbs on <c>*</c> resources reads secrets.
/// </summary>
[Flags]
public enum RiskFlags
{
    None = 0,

    /// <summary>All verbs on all resources of all API groups at cluster scope (what cluster-admin gives).</summary>
    ClusterAdmin = 1 << 0,

    /// <summary>get, list or watch on secrets ("Listing secrets").</summary>
    ReadSecrets = 1 << 1,

    /// <summary>create, update or patch on pods or pod controllers ("Workload creation").</summary>
    CreateWorkloads = 1 << 2,

    /// <summary>create or get on pods/exec or pods/attach (run code in existing pods, with their tokens).</summary>
    ExecIntoPods = 1 << 3,

    /// <summary>impersonate on users, groups, serviceaccounts, uids or userextras ("Impersonate verb").</summary>
    Impersonate = 1 << 4,

    /// <summary>escalate or bind on roles/clusterroles, or writing role bindings ("Escalate verb", "Bind verb").</summary>
    EscalateOrBind = 1 << 5,

    /// <summary>create on serviceaccounts/token ("Token request").</summary>
    CreateTokens = 1 << 6,

    /// <summary>Any verb on nodes/proxy at cluster scope ("Access to proxy subresource of Nodes").</summary>
    NodeProxy = 1 << 7,

    /// <summary>A <c>*</c> among the verbs, API groups, resources (or <c>*/sub</c>) or non-resource URLs.</summary>
    Wildcard = 1 << 8,
}

/// <summary>
/// One overall rating, ordered so that a larger value is worse. The rules are in <see cref="RiskAssessor"/> and
/// in the help of Get-K8sEffectivePermission.
/// </summary>
public enum RiskLevel
{
    None = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}
