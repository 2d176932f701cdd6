namespace SaTools.Engine.Usage;

/// <summary>The controller a pod belongs to, resolved to the top of its chain (Deployment, CronJob...).</summary>
public sealed record WorkloadOwner(string Kind, string Name)
{
    public override string ToString() => $"{Kind}/{Name}";
}
