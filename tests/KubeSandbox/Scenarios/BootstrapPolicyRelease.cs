using System.Text.Json.Nodes;

namespace KubeSandbox.Scenarios;

/// <summary>
/// The default RBAC policy differs between Kubernetes releases. ../shared/k8s/bootstrap-policy/ is the v1.24
/// development line's testdata with one change (system:basic-user may create selfsubjectreviews, as v1.28+ grants
/// for <c>kubectl auth whoami</c>); the recorded exchanges (../shared/k8s/recorded/) come from a v1.26.0 server.
/// A sandbox started with <see cref="SandboxOptions.PolicyRelease"/> = "1.26" applies what that release's
/// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go did differently, so the conformance replay compares
/// like with like. A 1.33 sandbox (the default, <see cref="KubernetesRelease"/>) applies what 1.33's policy.go and
/// controller_policy.go do differently, as their generated testdata (bootstrappolicy/testdata/*.yaml of the
/// current tree) shows. Every difference is listed here with its evidence; nothing depends on a record id.
/// </summary>
public static class BootstrapPolicyRelease
{
    /// <summary>The releases whose differences are known; null is the shared policy as it is.</summary>
    public static readonly IReadOnlyList<string> Known = new[] { "1.26", "1.33" };

    /// <summary>Changes one default policy object, as loaded from the shared YAML, into the given release's version
    /// of it before the scenario stores it.</summary>
    public static void Adjust(string? release, string resource, JsonObject item)
    {
        switch (release)
        {
            case null or "":
                return;
            case "1.26":
                AdjustV126(resource, item);
                return;
            case "1.33":
                AdjustV133(resource, item);
                return;
            default:
                throw new ArgumentException($"unknown policy release '{release}': use one of {string.Join(", ", Known)} or none");
        }
    }

    private static void AdjustV126(string resource, JsonObject item)
    {
        if (resource != "clusterroles" || item["rules"] is not JsonArray rules) return;
        switch (item["metadata"]?["name"]?.GetValue<string>())
        {
            case "system:basic-user":
                // v1.26 granted selfsubjectreviews to system:basic-user only behind the alpha APISelfSubjectReview
                // gate (off by default): the recorded SelfSubjectRulesReview of a plain ServiceAccount lists
                // basic-user's authorization.k8s.io rule alone.
                foreach (var rule in rules.OfType<JsonObject>().Where(GrantsSelfSubjectReviews).ToList())
                    rules.Remove(rule);
                break;
            case "system:aggregate-to-edit":
                // policy.go's aggregate-to-edit gained `create pods/eviction` and `create serviceaccounts/token`
                // after the v1.24 testdata was cut; the recorded escalation refusal (a binding to `admin` by a user
                // holding none of it) enumerates them, with a coordination.k8s.io leases rule, as v1.26's admin.
                rules.Add(ScenarioBuilder.Rule(new[] { "" }, new[] { "pods/eviction" }, new[] { "create" }));
                rules.Add(ScenarioBuilder.Rule(new[] { "" }, new[] { "serviceaccounts/token" }, new[] { "create" }));
                rules.Add(ScenarioBuilder.Rule(new[] { "coordination.k8s.io" }, new[] { "leases" },
                    new[] { "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch" }));
                break;
        }
    }

    /// <summary>Default policy objects a release has that the shared files lack (resource, object), to store
    /// after the loaded ones.</summary>
    public static IEnumerable<(string Resource, JsonObject Item)> Added(string? release)
    {
        if (release != "1.33") yield break;
        // controller_policy.go roles whose gates are on by default in 1.33, each with its ClusterRoleBinding to
        // the kube-system ServiceAccount of the same name (testdata/controller-roles.yaml, controller-role-bindings.yaml):
        // LegacyServiceAccountTokenCleanUp (GA 1.30), ValidatingAdmissionPolicy (GA 1.30), MultiCIDRServiceAllocator
        // (GA 1.33), SELinuxChangePolicy (beta, on, 1.33).
        var events = ScenarioBuilder.Rule(new[] { "", "events.k8s.io" }, new[] { "events" }, new[] { "create", "patch", "update" });
        var controllers = new (string Name, JsonObject[] Rules)[]
        {
            ("legacy-service-account-token-cleaner", new[]
            {
                ScenarioBuilder.Rule(new[] { "" }, new[] { "configmaps" }, new[] { "get" }, new[] { "kube-apiserver-legacy-service-account-token-tracking" }),
                ScenarioBuilder.Rule(new[] { "" }, new[] { "secrets" }, new[] { "delete", "patch" }),
            }),
            ("selinux-warning-controller", new[]
            {
                events,
                ScenarioBuilder.Rule(new[] { "" }, new[] { "persistentvolumes" }, new[] { "get", "list", "watch" }),
                ScenarioBuilder.Rule(new[] { "" }, new[] { "persistentvolumeclaims" }, new[] { "get", "list", "watch" }),
                ScenarioBuilder.Rule(new[] { "" }, new[] { "pods" }, new[] { "get", "list", "watch" }),
                ScenarioBuilder.Rule(new[] { "storage.k8s.io" }, new[] { "csidrivers" }, new[] { "get", "list", "watch" }),
            }),
            ("service-cidrs-controller", new[]
            {
                ScenarioBuilder.Rule(new[] { "networking.k8s.io" }, new[] { "servicecidrs" }, new[] { "get", "list", "patch", "update", "watch" }),
                ScenarioBuilder.Rule(new[] { "networking.k8s.io" }, new[] { "servicecidrs/finalizers" }, new[] { "patch", "update" }),
                ScenarioBuilder.Rule(new[] { "networking.k8s.io" }, new[] { "servicecidrs/status" }, new[] { "patch", "update" }),
                ScenarioBuilder.Rule(new[] { "networking.k8s.io" }, new[] { "ipaddresses" }, new[] { "get", "list", "watch" }),
                events,
            }),
            ("validatingadmissionpolicy-status-controller", new[]
            {
                ScenarioBuilder.Rule(new[] { "admissionregistration.k8s.io" }, new[] { "validatingadmissionpolicies" }, new[] { "get", "list", "watch" }),
                ScenarioBuilder.Rule(new[] { "admissionregistration.k8s.io" }, new[] { "validatingadmissionpolicies/status" }, new[] { "get", "patch", "update" }),
                events,
            }),
        };
        foreach (var (name, rules) in controllers)
        {
            var fullName = "system:controller:" + name;
            yield return ("clusterroles", new JsonObject
            {
                ["metadata"] = Defaults(fullName),
                ["rules"] = new JsonArray(rules.Select(r => (JsonNode)r.DeepClone()).ToArray()),
            });
            yield return ("clusterrolebindings", new JsonObject
            {
                ["metadata"] = Defaults(fullName),
                ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = fullName },
                ["subjects"] = new JsonArray(ScenarioBuilder.SaSubject("kube-system", name)),
            });
        }
    }

    private static JsonObject Defaults(string name) => new()
    {
        ["name"] = name,
        ["labels"] = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" },
        ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
    };

    private static void AdjustV133(string resource, JsonObject item)
    {
        if (resource != "clusterroles" || item["rules"] is not JsonArray rules) return;
        switch (item["metadata"]?["name"]?.GetValue<string>())
        {
            case "system:aggregate-to-edit":
                // As v1.26 already had (above), and 1.33 keeps: testdata/cluster-roles.yaml lists pods/eviction,
                // serviceaccounts/token and coordination.k8s.io leases in aggregate-to-edit.
                AdjustV126(resource, item);
                break;
            case "system:kube-controller-manager" or "system:kube-scheduler":
                // Leader election takes leases only (client-go dropped the endpoints-based locks), and the current
                // testdata/cluster-roles.yaml has no endpoints rules for either component.
                foreach (var rule in rules.OfType<JsonObject>().Where(r => Strings(r["resources"]).SequenceEqual(new[] { "endpoints" })).ToList())
                    rules.Remove(rule);
                break;
            case "system:monitoring":
                // policy.go: /metrics/slis (component SLI metrics, GA 1.29) joins the monitoring URLs.
                if (rules.OfType<JsonObject>().FirstOrDefault()?["nonResourceURLs"] is JsonArray urls && !Strings(urls).Contains("/metrics/slis"))
                {
                    var sorted = Strings(urls).Append("/metrics/slis").OrderBy(u => u, StringComparer.Ordinal).ToArray();
                    urls.Clear();
                    foreach (var u in sorted) urls.Add(u);
                }
                break;
        }
    }

    private static List<string> Strings(JsonNode? n) =>
        n is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").ToList() : new List<string>();

    private static bool GrantsSelfSubjectReviews(JsonObject rule) =>
        rule["resources"] is JsonArray resources && resources.Any(r => r?.GetValue<string>() == "selfsubjectreviews");
}
