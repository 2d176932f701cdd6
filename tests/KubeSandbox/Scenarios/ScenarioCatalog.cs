namespace KubeSandbox.Scenarios;

/// <summary>The seed scenarios by name: empty, bootstrap, demo, audit, scale.</summary>
public static class ScenarioCatalog
{
    public static void Load(SandboxOptions options, ScenarioBuilder b)
    {
        switch (options.Scenario.ToLowerInvariant())
        {
            case "empty":
                b.Namespace("default");
                break;
            case "bootstrap":
                BootstrapScenario.Load(b, options.PolicyRelease);
                break;
            case "demo":
                BootstrapScenario.Load(b, options.PolicyRelease);
                DemoScenario.Load(b);
                break;
            case "audit":
                BootstrapScenario.Load(b, options.PolicyRelease);
                AuditScenario.Load(b);
                break;
            case "scale":
                BootstrapScenario.Load(b, options.PolicyRelease);
                ScaleScenario.Load(b, options.Scale, options.Seed);
                break;
            default:
                throw new ArgumentException($"unknown scenario '{options.Scenario}': use empty, bootstrap, demo, audit or scale", nameof(options));
        }
    }
}
