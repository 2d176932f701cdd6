using System.Text.Json.Nodes;

namespace KubeSandbox.Scenarios;

/// <summary>
/// The default RBAC policy differs between Kubernetes releases. ../shared/k8s/bootstrap-policy/ is the v1.24
/// development line's testdata with one change (system:basic-user may create selfsubjectreviews, as v1.28+ grants
/// for <c>kubectl auth whoami</c>); the recorded exchanges (../shared/k8s/recorded/) come from a v1.26.0 server.
/// A sandbox started with <see cref="SandboxOptions.PolicyRelease"/> = "1.26" applies what that release's
/// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go did differently, so the conformance replay compares
/// like with like. Every difference is listed here with its evidence; nothing depends on a record id.
/// </summary>
public static class BootstrapPolicyRelease
{
    /// <summary>The releases whose differences are known; null is the shared policy as it is.</summary>
    public static readonly IReadOnlyList<string> Known = new[] { "1.26" };

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

    private static bool GrantsSelfSubjectReviews(JsonObject rule) =>
        rule["resources"] is JsonArray resources && resources.Any(r => r?.GetValue<string>() == "selfsubjectreviews");
}
