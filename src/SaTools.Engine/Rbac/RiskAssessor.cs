namespace SaTools.Engine.Rbac;

/// <summary>
/// Rates grants following the Kubernetes "RBAC Good Practices" page
/// (kubernetes.io/docs/concepts/security/rbac-good-practices). Flags are found with <see cref="RuleMatcher"/>,
/// so wildcards count as what they grant; <c>resourceNames</c> are ignored (a rule that reads one named secret
/// still reads secrets).
/// <list type="bullet">
/// <item>Critical: ClusterAdmin; NodeProxy; or at cluster scope (a ClusterRoleBinding) any of ReadSecrets,
/// CreateWorkloads, ExecIntoPods, Impersonate, EscalateOrBind, CreateTokens: each of these reaches the tokens or
/// powers of every ServiceAccount of the cluster, kube-system's included.</item>
/// <item>High: any of ReadSecrets, CreateWorkloads, ExecIntoPods, Impersonate, EscalateOrBind, CreateTokens in
/// one namespace (a RoleBinding): every ServiceAccount token of that namespace is within reach.</item>
/// <item>Medium: Wildcard (grants today's and future resources), or the other risks the page lists: creating
/// PersistentVolumes, writing admission webhook configurations, updating namespaces, approving CSRs.</item>
/// <item>Low: any other grant, except the defaults every ServiceAccount gets from the bootstrap policy.</item>
/// <item>None: only the defaults every ServiceAccount gets (system:basic-user, system:discovery,
/// system:public-info-viewer, system:service-account-issuer-discovery through system:authenticated or
/// system:serviceaccounts: <see cref="BootstrapPolicy"/>), or nothing.</item>
/// </list>
/// </summary>
public static class RiskAssessor
{
    private const string Core = "";
    private const string Apps = "apps";
    private const string Batch = "batch";
    private const string Rbac = "rbac.authorization.k8s.io";

    private static readonly string[] ReadVerbs = { "get", "list", "watch" };
    private static readonly string[] WriteVerbs = { "create", "update", "patch" };
    private static readonly string[] ExecVerbs = { "create", "get" };
    private static readonly string[] ProxyVerbs = { "get", "list", "watch", "create", "update", "patch", "delete" };
    private static readonly string[] EscalateVerbs = { "escalate", "bind" };
    private static readonly string[] UpdateVerbs = { "update", "patch" };

    private static readonly (string Group, string Resource)[] Workloads =
    {
        (Core, "pods"), (Core, "replicationcontrollers"), (Apps, "deployments"), (Apps, "replicasets"),
        (Apps, "statefulsets"), (Apps, "daemonsets"), (Batch, "jobs"), (Batch, "cronjobs"),
    };

    private const RiskFlags EscalationFlags = RiskFlags.ReadSecrets | RiskFlags.CreateWorkloads | RiskFlags.ExecIntoPods |
                                              RiskFlags.Impersonate | RiskFlags.EscalateOrBind | RiskFlags.CreateTokens;

    /// <summary>The risks one rule carries when bound at cluster scope or in one namespace.</summary>
    public static RiskFlags FlagsFor(RbacRule rule, bool clusterScope)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var flags = RiskFlags.None;
        if (IsWildcard(rule))
        {
            flags |= RiskFlags.Wildcard;
        }

        if (rule.IsNonResourceRule || rule.Resources.Count == 0)
        {
            return flags;
        }

        if (clusterScope && rule.Verbs.Contains(RuleMatcher.All) && rule.ApiGroups.Contains(RuleMatcher.All) &&
            rule.Resources.Contains(RuleMatcher.All))
        {
            flags |= RiskFlags.ClusterAdmin;
        }

        if (Grants(rule, ReadVerbs, Core, "secrets"))
        {
            flags |= RiskFlags.ReadSecrets;
        }

        foreach (var (group, resource) in Workloads)
        {
            if (Grants(rule, WriteVerbs, group, resource))
            {
                flags |= RiskFlags.CreateWorkloads;
                break;
            }
        }

        if (Grants(rule, ExecVerbs, Core, "pods/exec") || Grants(rule, ExecVerbs, Core, "pods/attach"))
        {
            flags |= RiskFlags.ExecIntoPods;
        }

        // users, groups and uids are cluster-wide names: only a ClusterRoleBinding lets one impersonate them.
        // ServiceAccounts are namespaced, so a RoleBinding lets one impersonate those of its namespace.
        // (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go)
        if (Grants(rule, "impersonate", Core, "serviceaccounts") ||
            (clusterScope && (Grants(rule, "impersonate", Core, "users") || Grants(rule, "impersonate", Core, "groups") ||
                              Grants(rule, "impersonate", "authentication.k8s.io", "uids") ||
                              Grants(rule, "impersonate", "authentication.k8s.io", "userextras/scopes"))))
        {
            flags |= RiskFlags.Impersonate;
        }

        // pkg/registry/rbac/escalation_check.go: escalate on roles, bind on the referenced role; writing bindings
        // is flagged too, as the issue asks (with bind or with broad rights it hands them out).
        if (Grants(rule, EscalateVerbs, Rbac, "roles") ||
            Grants(rule, EscalateVerbs, Rbac, "clusterroles") ||
            Grants(rule, WriteVerbs, Rbac, "rolebindings") ||
            Grants(rule, WriteVerbs, Rbac, "clusterrolebindings"))
        {
            flags |= RiskFlags.EscalateOrBind;
        }

        if (Grants(rule, "create", Core, "serviceaccounts/token"))
        {
            flags |= RiskFlags.CreateTokens;
        }

        // Nodes are cluster-scoped: a RoleBinding cannot reach nodes/proxy.
        if (clusterScope && Grants(rule, ProxyVerbs, Core, "nodes/proxy"))
        {
            flags |= RiskFlags.NodeProxy;
        }

        return flags;
    }

    /// <summary>
    /// The other privilege-escalation paths of the Good Practices page, rated Medium; null when none applies.
    /// All concern cluster-scoped resources, so only cluster-scope grants carry them.
    /// </summary>
    public static string? OtherRiskFor(RbacRule rule, bool clusterScope)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (!clusterScope || rule.IsNonResourceRule)
        {
            return null;
        }

        if (Grants(rule, "create", Core, "persistentvolumes"))
        {
            return "PersistentVolume creation";
        }

        if (Grants(rule, WriteVerbs, "admissionregistration.k8s.io", "mutatingwebhookconfigurations") ||
            Grants(rule, WriteVerbs, "admissionregistration.k8s.io", "validatingwebhookconfigurations"))
        {
            return "AdmissionWebhookControl";
        }

        if (Grants(rule, UpdateVerbs, Core, "namespaces"))
        {
            return "NamespaceModification";
        }

        if (Grants(rule, UpdateVerbs, "certificates.k8s.io", "certificatesigningrequests/approval"))
        {
            return "CsrApproval";
        }

        return null;
    }

    /// <summary>The level of one grant (see the class summary).</summary>
    public static RiskLevel LevelFor(RiskFlags flags, bool clusterScope, bool bootstrapDefault, bool otherRisk = false)
    {
        if ((flags & (RiskFlags.ClusterAdmin | RiskFlags.NodeProxy)) != 0)
        {
            return RiskLevel.Critical;
        }

        if ((flags & EscalationFlags) != 0)
        {
            return clusterScope ? RiskLevel.Critical : RiskLevel.High;
        }

        if ((flags & RiskFlags.Wildcard) != 0 || otherRisk)
        {
            return RiskLevel.Medium;
        }

        return bootstrapDefault ? RiskLevel.None : RiskLevel.Low;
    }

    private static bool IsWildcard(RbacRule rule) =>
        rule.Verbs.Contains(RuleMatcher.All) ||
        rule.ApiGroups.Contains(RuleMatcher.All) ||
        rule.Resources.Any(r => r == RuleMatcher.All || r.StartsWith("*/", StringComparison.Ordinal)) ||
        rule.NonResourceUrls.Contains(RuleMatcher.All);

    private static bool Grants(RbacRule rule, string verb, string group, string resource) =>
        Grants(rule, new ReadOnlySpan<string>(in verb), group, resource);

    // Asked of every rule of every role once (ResolvedRule keeps the answer): loops, no closures or copies.
    private static bool Grants(RbacRule rule, ReadOnlySpan<string> verbs, string group, string resource)
    {
        if (!RuleMatcher.ApiGroupMatches(rule, group))
        {
            return false;
        }

        var slash = resource.IndexOf('/');
        var subresource = slash < 0 ? string.Empty : resource[(slash + 1)..];
        if (!RuleMatcher.ResourceMatches(rule, resource, subresource))
        {
            return false;
        }

        foreach (var verb in verbs)
        {
            if (RuleMatcher.VerbMatches(rule, verb))
            {
                return true;
            }
        }

        return false;
    }
}
