using System.Text.Json.Nodes;
using static KubeSandbox.Scenarios.ScenarioBuilder;

namespace KubeSandbox.Scenarios;

/// <summary>
/// A large estate for the benchmark, built directly in the store (seconds, not minutes): namespaces scale-NNNN,
/// each with its default SA (from the namespace controller) and its share of dedicated SAs, pods (owned by
/// ReplicaSets, some on the default SA, some with automount off), Roles, RoleBindings (to SAs, to the namespace's
/// SA group, to ClusterRoles), cluster-wide ClusterRoles (some aggregated into scale-aggregate) and
/// ClusterRoleBindings, and legacy token Secrets. Deterministic for a seed.
/// </summary>
public static class ScaleScenario
{
    public static void Load(ScenarioBuilder b, ScaleOptions o, int seed)
    {
        var rnd = new Random(seed);
        var nsCount = Math.Max(1, o.Namespaces);
        var namespaces = Enumerable.Range(0, nsCount).Select(i => $"scale-{i:D4}").ToArray();
        foreach (var ns in namespaces)
            b.Namespace(ns, new JsonObject { ["tier"] = (rnd.Next(3)) switch { 0 => "web", 1 => "batch", _ => "data" } });

        var saNames = new List<string>[nsCount];
        for (var i = 0; i < nsCount; i++) saNames[i] = new List<string>();
        for (var i = 0; i < o.ServiceAccounts; i++)
        {
            var n = i % nsCount;
            var name = $"sa-{i / nsCount:D3}";
            var automount = rnd.Next(10) == 0 ? false : (bool?)null;
            JsonObject? annotations = (i % 97) switch
            {
                1 => new JsonObject { ["eks.amazonaws.com/role-arn"] = $"arn:aws:iam::111122223333:role/{namespaces[n]}-{name}" },
                2 => new JsonObject { ["iam.gke.io/gcp-service-account"] = $"{name}@{namespaces[n]}.iam.gserviceaccount.com" },
                3 => new JsonObject { ["azure.workload.identity/client-id"] = SyntheticUids.For("aks", namespaces[n], name) },
                _ => null,
            };
            b.ServiceAccount(namespaces[n], name, automount, annotations);
            saNames[n].Add(name);
        }

        for (var i = 0; i < o.Pods; i++)
        {
            var n = i % nsCount;
            var ns = namespaces[n];
            string? sa = saNames[n].Count == 0 || rnd.Next(5) == 0 ? null : saNames[n][rnd.Next(saNames[n].Count)];
            bool? automount = rnd.Next(8) == 0 ? false : null;
            var rs = $"app-{(i / nsCount) % 7}-{StableHash(sa ?? "default"):x5}";
            b.Pod(ns, $"{rs}-{i:x6}", sa, automount,
                ownerReferences: new JsonArray(OwnerReference("apps/v1", "ReplicaSet", rs, SyntheticUids.For("ReplicaSet", ns, rs))));
        }

        var verbsRead = new[] { "get", "list", "watch" };
        var resourcesPool = new[] { "pods", "configmaps", "secrets", "services", "serviceaccounts", "events" };
        for (var i = 0; i < o.Roles; i++)
        {
            var ns = namespaces[i % nsCount];
            var res = resourcesPool[rnd.Next(resourcesPool.Length)];
            var verbs = rnd.Next(4) == 0 ? new[] { "*" } : verbsRead;
            b.Role(ns, $"role-{i / nsCount:D3}", Rule(new[] { "" }, new[] { res }, verbs));
        }

        var rolesPerNs = Math.Max(1, o.Roles / nsCount);
        for (var i = 0; i < o.ClusterRoles; i++)
        {
            var labels = i % 10 == 0 ? new JsonObject { ["scale.example.com/aggregate"] = "true" } : null;
            b.ClusterRole($"scale-cr-{i:D4}", labels, Rule(new[] { i % 3 == 0 ? "apps" : "" }, new[] { resourcesPool[i % resourcesPool.Length] }, i % 5 == 0 ? new[] { "*" } : verbsRead));
        }
        if (o.ClusterRoles > 0)
            b.Create("clusterroles", null, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = "scale-aggregate" },
                ["aggregationRule"] = new JsonObject
                {
                    ["clusterRoleSelectors"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { ["scale.example.com/aggregate"] = "true" } }),
                },
            });

        for (var i = 0; i < o.RoleBindings; i++)
        {
            var n = i % nsCount;
            var ns = namespaces[n];
            JsonObject subject = rnd.Next(20) == 0 ? GroupSubject($"system:serviceaccounts:{ns}")
                : saNames[n].Count == 0 || rnd.Next(6) == 0 ? SaSubject(ns, "default")
                : SaSubject(ns, saNames[n][rnd.Next(saNames[n].Count)]);
            if (rnd.Next(3) == 0 && o.ClusterRoles > 0)
                b.RoleBinding(ns, $"rb-{i / nsCount:D3}", "ClusterRole", rnd.Next(4) == 0 ? "edit" : $"scale-cr-{rnd.Next(o.ClusterRoles):D4}", subject);
            else
                b.RoleBinding(ns, $"rb-{i / nsCount:D3}", "Role", $"role-{rnd.Next(rolesPerNs):D3}", subject);
        }

        for (var i = 0; i < o.ClusterRoleBindings; i++)
        {
            var n = rnd.Next(nsCount);
            var subject = saNames[n].Count == 0 ? SaSubject(namespaces[n], "default") : SaSubject(namespaces[n], saNames[n][rnd.Next(saNames[n].Count)]);
            var role = o.ClusterRoles > 0 ? $"scale-cr-{rnd.Next(o.ClusterRoles):D4}" : "view";
            if (i % 100 == 0) role = "cluster-admin";
            b.ClusterRoleBinding($"scale-crb-{i:D4}", role, subject);
        }

        var today = DateTime.UtcNow.Date;
        for (var i = 0; i < o.LegacySecrets; i++)
        {
            var n = i % nsCount;
            var sa = saNames[n].Count == 0 ? "default" : saNames[n][(i / nsCount) % saNames[n].Count];
            JsonObject? labels = (i % 3) switch
            {
                0 => new JsonObject { ["kubernetes.io/legacy-token-last-used"] = today.AddDays(-rnd.Next(1, 400)).ToString("yyyy-MM-dd") },
                1 when i % 9 == 1 => new JsonObject { ["kubernetes.io/legacy-token-invalid-since"] = today.AddDays(-rnd.Next(1, 60)).ToString("yyyy-MM-dd") },
                _ => null,
            };
            b.LegacyTokenSecret(namespaces[n], $"{sa}-token-{i / nsCount:D2}", sa, labels);
        }
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h & 0xfffff;
    }
}
