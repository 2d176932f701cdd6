using System.Text.Json.Nodes;
using KubeSandbox.Http;

namespace KubeSandbox.Scenarios;

/// <summary>
/// A fresh cluster, as the recorded one started (../shared/k8s/recorded/README.md): the namespaces default,
/// kube-system, kube-public and kube-node-lease (each gets its default ServiceAccount and kube-root-ca.crt from the
/// controllers) and the default RBAC policy (the bootstrappolicy testdata of kubernetes/kubernetes, carried in this
/// assembly from Scenarios/BootstrapPolicy/, a copy of ../shared/k8s/bootstrap-policy/), with admin/edit/view filled
/// by the aggregation controller. Embedded, so a clone runs the sandbox with nothing beside it.
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
        foreach (var file in PolicyFiles)
        {
            var doc = YamlJson.Convert(ReadPolicyFile(file)) as JsonObject
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

    /// <summary>One file of the embedded policy (KubeSandbox.csproj names each resource bootstrap-policy/&lt;file&gt;).</summary>
    private static string ReadPolicyFile(string file)
    {
        using var stream = typeof(BootstrapScenario).Assembly.GetManifestResourceStream($"bootstrap-policy/{file}")
                           ?? throw new InvalidOperationException($"bootstrap-policy/{file} is not embedded in KubeSandbox");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
