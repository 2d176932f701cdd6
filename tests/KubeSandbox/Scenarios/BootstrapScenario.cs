using System.Text.Json.Nodes;
using KubeSandbox.Http;

namespace KubeSandbox.Scenarios;

/// <summary>
/// A fresh cluster, as the recorded one started (../shared/k8s/recorded/README.md): the namespaces default,
/// kube-system, kube-public and kube-node-lease (each gets its default ServiceAccount and kube-root-ca.crt from the
/// controllers) and the default RBAC policy of ../shared/k8s/bootstrap-policy/ (the bootstrappolicy testdata of
/// kubernetes/kubernetes), with admin/edit/view filled by the aggregation controller.
/// </summary>
public static class BootstrapScenario
{
    private static readonly string[] PolicyFiles =
    {
        "cluster-roles.yaml", "cluster-role-bindings.yaml", "controller-roles.yaml", "controller-role-bindings.yaml",
        "namespace-roles.yaml", "namespace-role-bindings.yaml",
    };

    /// <param name="policyRelease">Null for the shared policy as it is, or a release whose differences
    /// <see cref="BootstrapPolicyRelease"/> knows.</param>
    public static void Load(ScenarioBuilder b, string? policyRelease = null)
    {
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            b.Namespace(ns);
        var dir = FindPolicyDirectory();
        foreach (var file in PolicyFiles)
        {
            var doc = YamlJson.Convert(File.ReadAllText(Path.Combine(dir, file))) as JsonObject
                      ?? throw new InvalidDataException($"{file}: not a YAML object");
            foreach (var item in (doc["items"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
            {
                var kind = item["kind"]?.GetValue<string>();
                var resource = kind switch
                {
                    "ClusterRole" => "clusterroles",
                    "ClusterRoleBinding" => "clusterrolebindings",
                    "Role" => "roles",
                    "RoleBinding" => "rolebindings",
                    _ => null,
                };
                if (resource is null) continue;
                var copy = (JsonObject)item.DeepClone();
                BootstrapPolicyRelease.Adjust(policyRelease, resource, copy);
                var ns = copy["metadata"]?["namespace"]?.GetValue<string>();
                b.Create(resource, ns, copy);
            }
        }
        foreach (var (resource, item) in BootstrapPolicyRelease.Added(policyRelease))
            b.Create(resource, null, item);
    }

    /// <summary>bootstrap-policy/ beside the assembly (copied at build), else ../shared/k8s/bootstrap-policy above it.</summary>
    public static string FindPolicyDirectory()
    {
        var local = Path.Combine(AppContext.BaseDirectory, "bootstrap-policy");
        if (File.Exists(Path.Combine(local, "cluster-roles.yaml"))) return local;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "k8s", "bootstrap-policy");
            if (File.Exists(Path.Combine(candidate, "cluster-roles.yaml"))) return candidate;
            candidate = Path.Combine(dir.FullName, "..", "shared", "k8s", "bootstrap-policy");
            if (File.Exists(Path.Combine(candidate, "cluster-roles.yaml"))) return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException("bootstrap-policy/*.yaml not found beside the sandbox or in ../shared/k8s");
    }
}
