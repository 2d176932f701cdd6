namespace KubeSandbox.Scenarios;

public static class ScaleScenario
{
    public static void Load(ScenarioBuilder b, ScaleOptions o, int seed) { }
}
