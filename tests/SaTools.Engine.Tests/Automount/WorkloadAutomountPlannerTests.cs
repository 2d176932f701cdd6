using SaTools.Engine.Workloads;

namespace SaTools.Engine.Tests.Automount;

public class WorkloadAutomountPlannerTests
{
    private static string Disable(WorkloadKind kind, bool? template = null, bool volume = false, bool? sa = null, bool needsToken = false, bool force = false)
    {
        var (step, action, reason) = WorkloadAutomountPlanner.DecideDisable(kind, template, volume, sa, needsToken, force);
        return $"{step}:{action}:{reason}";
    }

    [Theory]
    [InlineData(WorkloadKind.Deployment)]
    [InlineData(WorkloadKind.StatefulSet)]
    [InlineData(WorkloadKind.DaemonSet)]
    [InlineData(WorkloadKind.CronJob)]
    [InlineData(WorkloadKind.ReplicaSet)]
    public void AChangeableTemplateIsPatchedOnlyWhenItsPodsGetATokenTheyDoNotNeed(WorkloadKind kind)
    {
        Assert.Equal("Patch::", Disable(kind));
        Assert.Equal("Patch::", Disable(kind, template: true, sa: false));                // the pod field wins
        Assert.Equal("Report:AlreadyDisabled:", Disable(kind, template: false, needsToken: true));
        Assert.Equal("Report:Skipped:TemplateDeclaresTokenVolume", Disable(kind, volume: true));
        Assert.Equal("Report:AlreadyDisabled:", Disable(kind, template: false, volume: true));
        Assert.Equal("Report:AlreadyDisabled:ServiceAccountDisablesAutomount", Disable(kind, sa: false));
        Assert.Equal("Report:Skipped:ServiceAccountHasPermissions", Disable(kind, needsToken: true));
        Assert.Equal("Patch::", Disable(kind, needsToken: true, force: true));
    }

    [Theory]
    [InlineData(WorkloadKind.Job, "JobTemplateImmutable")]
    [InlineData(WorkloadKind.Pod, "BarePodImmutable")]
    public void JobsAndBarePodsAreReportedOnlyWhereAChangeableTemplateWouldBePatched(WorkloadKind kind, string reason)
    {
        Assert.Equal($"Report:Skipped:{reason}", Disable(kind));
        Assert.Equal($"Report:Skipped:{reason}", Disable(kind, needsToken: true, force: true));
        Assert.Equal("Omit::", Disable(kind, needsToken: true));
        Assert.Equal("Omit::", Disable(kind, template: false));
        Assert.Equal("Omit::", Disable(kind, sa: false));
        Assert.Equal("Omit::", Disable(kind, volume: true));
    }

    [Fact]
    public void TheUndoWritesOnlyWhatDiffersAndNeverAJobOrPod()
    {
        Assert.Equal((WorkloadStep.Patch, null, null), WorkloadAutomountPlanner.DecideSet(WorkloadKind.Deployment, false, null));
        Assert.Equal((WorkloadStep.Report, WorkloadAutomountAction.Unchanged, null), WorkloadAutomountPlanner.DecideSet(WorkloadKind.Deployment, null, null));
        Assert.Equal((WorkloadStep.Report, WorkloadAutomountAction.AlreadyDisabled, null), WorkloadAutomountPlanner.DecideSet(WorkloadKind.CronJob, false, false));
        Assert.Equal((WorkloadStep.Report, WorkloadAutomountAction.Skipped, WorkloadSkipReason.JobTemplateImmutable), WorkloadAutomountPlanner.DecideSet(WorkloadKind.Job, null, false));
        Assert.Equal((WorkloadStep.Report, WorkloadAutomountAction.Unchanged, null), WorkloadAutomountPlanner.DecideSet(WorkloadKind.Pod, true, true));
    }

    [Theory]
    [InlineData(WorkloadKind.Deployment, null, true)]
    [InlineData(WorkloadKind.StatefulSet, "RollingUpdate", true)]
    [InlineData(WorkloadKind.StatefulSet, "OnDelete", false)]
    [InlineData(WorkloadKind.DaemonSet, "OnDelete", false)]
    [InlineData(WorkloadKind.ReplicaSet, null, false)]
    [InlineData(WorkloadKind.CronJob, null, false)]
    public void OnlyRollingKindsRestartPods(WorkloadKind kind, string? strategy, bool restarts) =>
        Assert.Equal(restarts, WorkloadKinds.TemplateChangeRestartsPods(kind, strategy));

    [Theory]
    [InlineData("deployment", true)]
    [InlineData("CronJob", true)]
    [InlineData("Pod", true)]
    [InlineData("ServiceAccount", false)]
    [InlineData("3", false)]
    [InlineData("", false)]
    public void KindsParseAsWritten(string text, bool parses) => Assert.Equal(parses, WorkloadKinds.TryParse(text, out _));
}
