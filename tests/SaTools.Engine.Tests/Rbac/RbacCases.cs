using static SaTools.Tests.Rbac.Rbac;

namespace SaTools.Tests.Rbac;

/// <summary>
/// The request/rule table: each case is a complete RBAC state, one ServiceAccount and one request, with the answer
/// the Kubernetes RBAC authorizer gives. Sources: pkg/apis/rbac/v1/evaluation_helpers.go (matching),
/// plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows), pkg/registry/rbac/validation/rule.go (bindings, subjects,
/// role lookup), pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go (aggregation).
/// </summary>
public static class RbacCases
{
    public const string Ns = "app";
    public const string Other = "other";
    public const string SaName = "sa";

    private const string Matching = "evaluation_helpers.go";
    private const string Binding = "rule.go";
    private const string Aggregation = "clusterroleaggregation_controller.go";

    public static CaseRequest Res(string verb, string resource, string? ns = Ns, string? group = null, string? name = null) =>
        new(verb, resource, group, name, ns);

    public static CaseRequest Url(string verb, string url) => new(verb, Url: url);

    /// <summary>A Role in app bound by a RoleBinding to app/sa.</summary>
    private static RbacCase InRole(string id, string rule, CaseRequest request, bool allowed, string source = Matching) =>
        new(id, source,
            Docs(ServiceAccount(Ns, SaName), Role(Ns, "r", rule), RoleBinding(Ns, "b", "Role", "r", Sa(SaName))),
            Ns, SaName, request, allowed);

    /// <summary>A ClusterRole bound by a ClusterRoleBinding to app/sa.</summary>
    private static RbacCase InClusterRole(string id, string rule, CaseRequest request, bool allowed, string source = Matching) =>
        new(id, source,
            Docs(ServiceAccount(Ns, SaName), ClusterRole("cr", rule), ClusterRoleBinding("crb", "cr", Sa(SaName, Ns))),
            Ns, SaName, request, allowed);

    /// <summary>The objects given, asked by app/sa.</summary>
    private static RbacCase With(string id, string source, CaseRequest request, bool allowed, params string[] docs) =>
        new(id, source, Docs(new[] { ServiceAccount(Ns, SaName), ServiceAccount(Other, SaName) }.Concat(docs).ToArray()),
            Ns, SaName, request, allowed);

    private static readonly string PodReader = ClusterRole("pod-reader", Rule("get,list", "", "pods"));

    public static IReadOnlyList<RbacCase> All { get; } = Build();

    private static IReadOnlyList<RbacCase> Build() => new List<RbacCase>
    {
        // --- verbs: "*" or exact, empty list matches nothing, case-sensitive
        InRole("verb-exact", Rule("get", "", "pods"), Res("get", "pods"), true),
        InRole("verb-other-denied", Rule("get", "", "pods"), Res("delete", "pods"), false),
        InRole("verb-star", Rule("*", "", "pods"), Res("deletecollection", "pods"), true),
        InRole("verb-empty-list", Rule("-", "", "pods"), Res("get", "pods"), false),
        InRole("verb-case-sensitive", Rule("GET", "", "pods"), Res("get", "pods"), false),
        InRole("verb-list-not-get", Rule("list", "", "pods"), Res("get", "pods", name: "p1"), false),

        // --- API groups: "" is core, "*" or exact, empty matches nothing; kubectl's resource.group spelling
        InRole("group-core", Rule("get", "", "configmaps"), Res("get", "configmaps"), true),
        InRole("group-core-not-apps", Rule("get", "", "deployments"), Res("get", "deployments.apps"), false),
        InRole("group-apps-not-core", Rule("get", "apps", "deployments"), Res("get", "deployments"), false),
        InRole("group-dotted-spelling", Rule("get", "apps", "deployments"), Res("get", "deployments.apps"), true),
        InRole("group-explicit", Rule("get", "apps", "deployments"), Res("get", "deployments", group: "apps"), true),
        InRole("group-star", Rule("get", "*", "deployments"), Res("get", "deployments.apps"), true),
        InRole("group-empty-list", Rule("get", "-", "pods"), Res("get", "pods"), false),
        InRole("group-long-dotted", Rule("create", "rbac.authorization.k8s.io", "rolebindings"), Res("create", "rolebindings.rbac.authorization.k8s.io"), true),

        // --- resources: "*", exact resource/subresource, "*/sub"; "*/*" is not special
        InRole("resource-star", Rule("get", "", "*"), Res("get", "secrets"), true),
        InRole("resource-star-covers-subresource", Rule("get", "", "*"), Res("get", "pods/log"), true),
        InRole("resource-exact", Rule("get", "", "services"), Res("get", "services"), true),
        InRole("resource-other-denied", Rule("get", "", "services"), Res("get", "endpoints"), false),
        InRole("resource-not-subresource", Rule("create", "", "pods"), Res("create", "pods/exec"), false),
        InRole("subresource-not-resource", Rule("create", "", "pods/exec"), Res("create", "pods"), false),
        InRole("subresource-exact", Rule("create", "", "pods/exec"), Res("create", "pods/exec"), true),
        InRole("star-slash-sub", Rule("update", "apps", "*/scale"), Res("update", "deployments.apps/scale"), true),
        InRole("star-slash-sub-not-parent", Rule("update", "apps", "*/scale"), Res("update", "deployments.apps"), false),
        InRole("star-slash-sub-other-sub", Rule("get", "", "*/status"), Res("get", "pods/log"), false),
        InRole("star-slash-star-not-special", Rule("create", "", "*/*"), Res("create", "pods/exec"), false),
        InRole("star-slash-star-not-resource", Rule("get", "", "*/*"), Res("get", "pods"), false),
        InRole("resource-case-sensitive", Rule("get", "", "Pods"), Res("get", "pods"), false),
        InRole("resource-empty-list", Rule("get", "", "-"), Res("get", "pods"), false),

        // --- resourceNames: empty matches any name; a list never matches a request without a name
        InRole("names-empty-any", Rule("get", "", "configmaps"), Res("get", "configmaps", name: "c1"), true),
        InRole("names-listed", Rule("get", "", "configmaps", names: "c1"), Res("get", "configmaps", name: "c1"), true),
        InRole("names-not-listed", Rule("get", "", "configmaps", names: "c1"), Res("get", "configmaps", name: "c2"), false),
        InRole("names-list-without-name", Rule("list", "", "configmaps", names: "c1"), Res("list", "configmaps"), false),
        InRole("names-watch-without-name", Rule("watch", "", "configmaps", names: "c1"), Res("watch", "configmaps"), false),
        InRole("names-create-without-name", Rule("create", "", "configmaps", names: "c1"), Res("create", "configmaps"), false),
        InRole("names-deletecollection", Rule("deletecollection", "", "configmaps", names: "c1"), Res("deletecollection", "configmaps"), false),
        InRole("names-update-named", Rule("update", "", "configmaps", names: "c0,c1"), Res("update", "configmaps", name: "c1"), true),
        InRole("names-case-sensitive", Rule("get", "", "configmaps", names: "C1"), Res("get", "configmaps", name: "c1"), false),

        // --- nonResourceURLs: "*", exact, or prefix when the rule ends in "*"; only ClusterRoleBindings
        InClusterRole("url-exact", Rule("get", urls: "/healthz"), Url("get", "/healthz"), true),
        InClusterRole("url-exact-not-prefix", Rule("get", urls: "/healthz"), Url("get", "/healthz/ready"), false),
        InClusterRole("url-prefix", Rule("get", urls: "/healthz/*"), Url("get", "/healthz/ready"), true),
        InClusterRole("url-prefix-needs-slash", Rule("get", urls: "/healthz/*"), Url("get", "/healthz"), false),
        InClusterRole("url-star", Rule("get", urls: "*"), Url("get", "/metrics"), true),
        InClusterRole("url-apis-prefix", Rule("get", urls: "/apis/*"), Url("get", "/apis/apps/v1"), true),
        InClusterRole("url-prefix-is-textual", Rule("get", urls: "/api*"), Url("get", "/apis"), true),
        InClusterRole("url-verb-mismatch", Rule("get", urls: "/healthz"), Url("post", "/healthz"), false),
        InClusterRole("url-rule-no-resources", Rule("*", urls: "*"), Res("get", "pods"), false),
        InClusterRole("resource-rule-no-urls", Rule("*", "*", "*"), Url("get", "/healthz"), false),
        With("url-via-rolebinding-ignored", Binding, Url("get", "/healthz"), false,
            ClusterRole("urls", Rule("get", urls: "/healthz")), RoleBinding(Ns, "b", "ClusterRole", "urls", Sa(SaName))),

        // --- bindings and scope: ClusterRoleBindings everywhere, RoleBindings in their namespace only
        InRole("rolebinding-own-namespace", Rule("get", "", "pods"), Res("get", "pods", ns: Ns), true, Binding),
        InRole("rolebinding-other-namespace", Rule("get", "", "pods"), Res("get", "pods", ns: Other), false, Binding),
        InRole("rolebinding-not-cluster-wide", Rule("list", "", "pods"), Res("list", "pods", ns: null), false, Binding),
        With("rolebinding-to-clusterrole-own-ns", Binding, Res("get", "pods", ns: Ns), true,
            PodReader, RoleBinding(Ns, "b", "ClusterRole", "pod-reader", Sa(SaName))),
        With("rolebinding-to-clusterrole-other-ns", Binding, Res("get", "pods", ns: Other), false,
            PodReader, RoleBinding(Ns, "b", "ClusterRole", "pod-reader", Sa(SaName))),
        With("rolebinding-to-clusterrole-not-cluster", Binding, Res("list", "pods", ns: null), false,
            PodReader, RoleBinding(Ns, "b", "ClusterRole", "pod-reader", Sa(SaName))),
        InClusterRole("clusterrolebinding-any-namespace", Rule("get", "", "pods"), Res("get", "pods", ns: Other), true, Binding),
        InClusterRole("clusterrolebinding-cluster-wide", Rule("list", "", "pods"), Res("list", "pods", ns: null), true, Binding),
        InClusterRole("clusterrolebinding-cluster-scoped-resource", Rule("get", "", "nodes"), Res("get", "nodes", ns: null), true, Binding),
        With("clusterrolebinding-to-role-finds-nothing", Binding, Res("get", "pods", ns: Ns), false,
            Role(Ns, "r", Rule("get", "", "pods")), ClusterRoleBindingTo("crb", "Role", "r", Sa(SaName, Ns))),
        With("rolebinding-role-of-other-namespace", Binding, Res("get", "pods", ns: Ns), false,
            Role(Other, "r", Rule("get", "", "pods")), RoleBinding(Ns, "b", "Role", "r", Sa(SaName))),
        With("bindings-union", Binding, Res("delete", "pods", ns: Ns), true,
            PodReader, ClusterRoleBinding("crb", "pod-reader", Sa(SaName, Ns)),
            Role(Ns, "deleter", Rule("delete", "", "pods")), RoleBinding(Ns, "b", "Role", "deleter", Sa(SaName))),

        // --- subjects: ServiceAccount (namespace defaults to the RoleBinding's), User, the three groups
        With("sa-subject-defaults-namespace", Binding, Res("get", "pods", ns: Ns), true,
            PodReader, RoleBinding(Ns, "b", "ClusterRole", "pod-reader", Sa(SaName))),
        new("sa-subject-default-not-other-ns", Binding,
            Docs(ServiceAccount(Ns, SaName), ServiceAccount(Other, SaName), PodReader, RoleBinding(Ns, "b", "ClusterRole", "pod-reader", Sa(SaName))),
            Other, SaName, Res("get", "pods", ns: Ns), false),
        new("sa-subject-explicit-other-ns", Binding,
            Docs(ServiceAccount(Ns, SaName), ServiceAccount(Other, SaName), PodReader, RoleBinding(Ns, "b", "ClusterRole", "pod-reader", Sa(SaName, Other))),
            Other, SaName, Res("get", "pods", ns: Ns), true),
        new("sa-subject-explicit-grants-in-binding-ns-only", Binding,
            Docs(ServiceAccount(Ns, SaName), ServiceAccount(Other, SaName), PodReader, RoleBinding(Ns, "b", "ClusterRole", "pod-reader", Sa(SaName, Other))),
            Other, SaName, Res("get", "pods", ns: Other), false),
        With("sa-subject-without-ns-in-crb", Binding, Res("get", "pods", ns: Ns), false,
            PodReader, ClusterRoleBinding("crb", "pod-reader", Sa(SaName))),
        With("sa-subject-other-name", Binding, Res("get", "pods", ns: Ns), false,
            PodReader, ClusterRoleBinding("crb", "pod-reader", Sa("someone-else", Ns))),
        With("sa-subject-kind-case-sensitive", Binding, Res("get", "pods", ns: Ns), false,
            PodReader, ClusterRoleBinding("crb", "pod-reader", $"{{kind: serviceaccount, name: \"{SaName}\", namespace: \"{Ns}\"}}")),
        With("user-subject-sa-username", Binding, Res("get", "pods", ns: Ns), true,
            PodReader, ClusterRoleBinding("crb", "pod-reader", User($"system:serviceaccount:{Ns}:{SaName}"))),
        With("user-subject-other-namespace", Binding, Res("get", "pods", ns: Ns), false,
            PodReader, ClusterRoleBinding("crb", "pod-reader", User($"system:serviceaccount:{Other}:{SaName}"))),
        With("user-subject-plain-name", Binding, Res("get", "pods", ns: Ns), false,
            PodReader, ClusterRoleBinding("crb", "pod-reader", User(SaName))),
        With("user-subject-in-rolebinding", Binding, Res("get", "pods", ns: Ns), true,
            PodReader, RoleBinding(Ns, "b", "ClusterRole", "pod-reader", User($"system:serviceaccount:{Ns}:{SaName}"))),
        With("user-subject-rolebinding-other-ns", Binding, Res("get", "pods", ns: Other), false,
            PodReader, RoleBinding(Ns, "b", "ClusterRole", "pod-reader", User($"system:serviceaccount:{Ns}:{SaName}"))),
        With("group-all-serviceaccounts-rolebinding-scoped", Binding, Res("list", "pods", ns: null), false,
            PodReader, RoleBinding(Other, "b", "ClusterRole", "pod-reader", Group("system:serviceaccounts"))),
        With("group-all-serviceaccounts", Binding, Res("get", "pods", ns: Other), true,
            PodReader, ClusterRoleBinding("crb", "pod-reader", Group("system:serviceaccounts"))),
        With("group-namespace-serviceaccounts", Binding, Res("get", "pods", ns: Ns), true,
            PodReader, ClusterRoleBinding("crb", "pod-reader", Group($"system:serviceaccounts:{Ns}"))),
        With("group-other-namespace-serviceaccounts", Binding, Res("get", "pods", ns: Ns), false,
            PodReader, ClusterRoleBinding("crb", "pod-reader", Group($"system:serviceaccounts:{Other}"))),
        With("group-namespace-group-in-foreign-rolebinding", Binding, Res("get", "pods", ns: Other), true,
            PodReader, RoleBinding(Other, "b", "ClusterRole", "pod-reader", Group($"system:serviceaccounts:{Ns}"))),
        With("group-authenticated", Binding, Res("get", "pods", ns: Ns), true,
            PodReader, ClusterRoleBinding("crb", "pod-reader", Group("system:authenticated"))),
        With("group-unauthenticated", Binding, Res("get", "pods", ns: Ns), false,
            PodReader, ClusterRoleBinding("crb", "pod-reader", Group("system:unauthenticated"))),
        With("group-serviceaccount-singular", Binding, Res("get", "pods", ns: Ns), false,
            PodReader, ClusterRoleBinding("crb", "pod-reader", Group("system:serviceaccount"))),

        // --- aggregation, computed from labels (the stored rules of an aggregated role are replaced)
        With("aggregation-match-labels", Aggregation, Res("get", "widgets", ns: Ns, group: "example.com"), true,
            AggregatedClusterRole("agg", new[] { "{matchLabels: {\"example.com/aggregate\": \"true\"}}" }),
            ClusterRole("part", new Dictionary<string, string> { ["example.com/aggregate"] = "true" }, Rule("get", "example.com", "widgets")),
            ClusterRoleBinding("crb", "agg", Sa(SaName, Ns))),
        With("aggregation-label-value-differs", Aggregation, Res("get", "widgets", ns: Ns, group: "example.com"), false,
            AggregatedClusterRole("agg", new[] { "{matchLabels: {\"example.com/aggregate\": \"true\"}}" }),
            ClusterRole("part", new Dictionary<string, string> { ["example.com/aggregate"] = "false" }, Rule("get", "example.com", "widgets")),
            ClusterRoleBinding("crb", "agg", Sa(SaName, Ns))),
        With("aggregation-expression-in", Aggregation, Res("list", "widgets", ns: Ns, group: "example.com"), true,
            AggregatedClusterRole("agg", new[] { "{matchExpressions: [{key: tier, operator: In, values: [gold, silver]}]}" }),
            ClusterRole("part", new Dictionary<string, string> { ["tier"] = "silver" }, Rule("list", "example.com", "widgets")),
            ClusterRoleBinding("crb", "agg", Sa(SaName, Ns))),
        With("aggregation-expression-notin-absent", Aggregation, Res("list", "widgets", ns: Ns, group: "example.com"), true,
            AggregatedClusterRole("agg", new[] { "{matchExpressions: [{key: tier, operator: NotIn, values: [bronze]}, {key: team, operator: Exists}]}" }),
            ClusterRole("part", new Dictionary<string, string> { ["team"] = "a" }, Rule("list", "example.com", "widgets")),
            ClusterRoleBinding("crb", "agg", Sa(SaName, Ns))),
        With("aggregation-expression-notin-excluded", Aggregation, Res("list", "widgets", ns: Ns, group: "example.com"), false,
            AggregatedClusterRole("agg", new[] { "{matchExpressions: [{key: tier, operator: NotIn, values: [bronze]}, {key: team, operator: Exists}]}" }),
            ClusterRole("part", new Dictionary<string, string> { ["team"] = "a", ["tier"] = "bronze" }, Rule("list", "example.com", "widgets")),
            ClusterRoleBinding("crb", "agg", Sa(SaName, Ns))),
        With("aggregation-expression-doesnotexist", Aggregation, Res("get", "widgets", ns: Ns, group: "example.com"), false,
            AggregatedClusterRole("agg", new[] { "{matchExpressions: [{key: team, operator: Exists}, {key: hidden, operator: DoesNotExist}]}" }),
            ClusterRole("part", new Dictionary<string, string> { ["team"] = "a", ["hidden"] = "yes" }, Rule("get", "example.com", "widgets")),
            ClusterRoleBinding("crb", "agg", Sa(SaName, Ns))),
        With("aggregation-labels-and-expressions", Aggregation, Res("get", "widgets", ns: Ns, group: "example.com"), false,
            AggregatedClusterRole("agg", new[] { "{matchLabels: {team: a}, matchExpressions: [{key: tier, operator: In, values: [gold]}]}" }),
            ClusterRole("part", new Dictionary<string, string> { ["team"] = "a" }, Rule("get", "example.com", "widgets")),
            ClusterRoleBinding("crb", "agg", Sa(SaName, Ns))),
        With("aggregation-selectors-or", Aggregation, Res("get", "gadgets", ns: Ns, group: "example.com"), true,
            AggregatedClusterRole("agg", new[] { "{matchLabels: {team: a}}", "{matchLabels: {team: b}}" }),
            ClusterRole("part-b", new Dictionary<string, string> { ["team"] = "b" }, Rule("get", "example.com", "gadgets")),
            ClusterRoleBinding("crb", "agg", Sa(SaName, Ns))),
        With("aggregation-nested", Aggregation, Res("watch", "widgets", ns: Ns, group: "example.com"), true,
            AggregatedClusterRole("top", new[] { "{matchLabels: {level: top}}" }),
            AggregatedClusterRole("middle", new[] { "{matchLabels: {level: middle}}" }) .Replace("name: \"middle\"", "name: \"middle\", labels: {level: top}"),
            ClusterRole("leaf", new Dictionary<string, string> { ["level"] = "middle" }, Rule("watch", "example.com", "widgets")),
            ClusterRoleBinding("crb", "top", Sa(SaName, Ns))),
        With("aggregation-through-rolebinding", Aggregation, Res("get", "widgets", ns: Ns, group: "example.com"), true,
            AggregatedClusterRole("agg", new[] { "{matchLabels: {team: a}}" }),
            ClusterRole("part", new Dictionary<string, string> { ["team"] = "a" }, Rule("get", "example.com", "widgets")),
            RoleBinding(Ns, "b", "ClusterRole", "agg", Sa(SaName))),

        // --- missing roles grant nothing; the other bindings still count
        With("missing-role", Binding, Res("get", "pods", ns: Ns), false,
            RoleBinding(Ns, "b", "Role", "does-not-exist", Sa(SaName))),
        With("missing-clusterrole", Binding, Res("get", "pods", ns: Ns), false,
            ClusterRoleBinding("crb", "does-not-exist", Sa(SaName, Ns))),
        With("missing-role-other-binding-counts", Binding, Res("get", "pods", ns: Ns), true,
            ClusterRoleBinding("crb-missing", "does-not-exist", Sa(SaName, Ns)),
            PodReader, ClusterRoleBinding("crb", "pod-reader", Sa(SaName, Ns))),
    };
}
