namespace KubeSandbox.Scenarios;

/// <summary>The seed scenarios by name: empty, bootstrap, demo, audit, scale. Demo and scale run on nodes
/// (<see cref="ClusterNodes"/>) with the control plane's kube-system ServiceAccounts
/// (<see cref="ControlPlaneServiceAccounts"/>); bootstrap is the recorded API-server-only cluster.</summary>
public static class ScenarioCatalog
{
    public static void Load(SandboxOptions options, ScenarioBuilder b)
    {
        var release = KubernetesRelease.Parse(options.KubernetesVersion);
        var policyRelease = options.PolicyRelease ?? release.Version;
        b.Release = release;
        switch (options.Scenario.ToLowerInvariant())
        {
            case "empty":
                b.Namespace("default");
                break;
            case "bootstrap":
                BootstrapScenario.Load(b, policyRelease);
                break;
            case "demo":
                BootstrapScenario.Load(b, policyRelease);
                ControlPlaneServiceAccounts.Load(b);
                ClusterNodes.Load(b, release, workers: 2);
                DemoScenario.Load(b);
                break;
            case "audit":
                // The held-out estate of the audit on a fresh API-server-only cluster: its expected findings
                // (AuditScenario.Expected) concern the audit-* namespaces and cluster-scoped audit-* bindings only.
                BootstrapScenario.Load(b, policyRelease);
                AuditScenario.Load(b);
                break;
            case "scale":
                BootstrapScenario.Load(b, policyRelease);
                ControlPlaneServiceAccounts.Load(b);
                // A kubelet's default maxPods is 110: enough workers for the scale's pods at about 100 each.
                ClusterNodes.Load(b, release, workers: Math.Max(1, (options.Scale.Pods + 99) / 100));
                ScaleScenario.Load(b, options.Scale, options.Seed);
                break;
            default:
                throw new ArgumentException($"unknown scenario '{options.Scenario}': use empty, bootstrap, demo, audit or scale", nameof(options));
        }
    }
}
