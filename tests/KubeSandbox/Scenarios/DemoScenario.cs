namespace KubeSandbox.Scenarios;

public static class DemoScenario
{
    public static void Load(ScenarioBuilder b) { }
}
