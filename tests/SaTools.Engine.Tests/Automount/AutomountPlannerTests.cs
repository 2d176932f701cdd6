using System.Text.Json.Nodes;
using SaTools.Engine.Automount;

namespace SaTools.Engine.Tests.Automount;

public class AutomountPlannerTests
{
    [Theory]
    [InlineData(null, false, AutomountStep.Write)]
    [InlineData(true, false, AutomountStep.Write)]
    [InlineData(false, false, AutomountStep.NoChange)]
    [InlineData(null, null, AutomountStep.NoChange)]
    [InlineData(true, null, AutomountStep.Write)]
    [InlineData(false, null, AutomountStep.Write)]
    [InlineData(null, true, AutomountStep.Write)]
    [InlineData(true, true, AutomountStep.NoChange)]
    [InlineData(false, true, AutomountStep.Write)]
    public void WritesOnlyWhenTheStoredValueDiffers(bool? current, bool? desired, AutomountStep expected) =>
        Assert.Equal(expected, AutomountPlanner.Decide(true, current, desired));

    [Fact]
    public void MissingServiceAccountIsMissingWhateverTheValue()
    {
        Assert.Equal(AutomountStep.Missing, AutomountPlanner.Decide(false, null, false));
        Assert.Equal(AutomountStep.Missing, AutomountPlanner.Decide(false, false, false));
    }

    [Fact]
    public void NoChangeIsAlreadyDisabledOnlyForFalse()
    {
        Assert.Equal(AutomountAction.AlreadyDisabled, AutomountPlanner.NoChangeAction(false));
        Assert.Equal(AutomountAction.Unchanged, AutomountPlanner.NoChangeAction(true));
        Assert.Equal(AutomountAction.Unchanged, AutomountPlanner.NoChangeAction(null));
    }

    [Fact]
    public void ShouldProcessAnswers()
    {
        Assert.Null(AutomountPlanner.AfterShouldProcess(approved: true, whatIf: false));
        Assert.Equal(AutomountAction.WouldPatch, AutomountPlanner.AfterShouldProcess(false, whatIf: true));
        Assert.Equal(AutomountAction.Skipped, AutomountPlanner.AfterShouldProcess(false, whatIf: false));
    }

    [Theory]
    [InlineData(AutomountAction.Patched, null, false, false)]
    [InlineData(AutomountAction.WouldPatch, null, false, null)]
    [InlineData(AutomountAction.Failed, true, false, true)]
    [InlineData(AutomountAction.Skipped, true, false, true)]
    [InlineData(AutomountAction.Patched, false, null, null)]
    public void CurrentShowsWhatTheServerHolds(AutomountAction action, bool? previous, bool? desired, bool? current) =>
        Assert.Equal(current, AutomountPlanner.CurrentAfter(action, previous, desired));

    [Fact]
    public void OnlyFalseTakesTokensAway()
    {
        Assert.True(AutomountPlanner.TakesTokenAway(false));
        Assert.False(AutomountPlanner.TakesTokenAway(true));
        Assert.False(AutomountPlanner.TakesTokenAway(null));
    }

    [Fact]
    public void PatchNamesOnlyTheField()
    {
        var off = JsonNode.Parse(AutomountPatch.Body(false))!.AsObject();
        Assert.Single(off);
        Assert.False(off["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.True(JsonNode.Parse(AutomountPatch.Body(true))!["automountServiceAccountToken"]!.GetValue<bool>());
        Assert.Equal("{\"automountServiceAccountToken\":null}", AutomountPatch.Body(null));
        Assert.Equal("application/merge-patch+json", AutomountPatch.ContentType);
    }

    [Theory]
    [InlineData("True", true, true)]
    [InlineData("false", true, false)]
    [InlineData("NotSet", true, null)]
    [InlineData("not set", true, null)]
    [InlineData("", false, null)]
    [InlineData("unknown", false, null)]
    [InlineData("null", true, null)]
    [InlineData("maybe", false, null)]
    public void ValueTextRoundTrips(string text, bool ok, bool? value)
    {
        Assert.Equal(ok, AutomountValue.TryParse(text, out var parsed));
        Assert.Equal(value, parsed);
        if (ok)
        {
            Assert.True(AutomountValue.TryParse(AutomountValue.Format(value), out var again));
            Assert.Equal(value, again);
        }
    }
}
