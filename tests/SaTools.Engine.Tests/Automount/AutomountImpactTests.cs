using SaTools.Engine.Automount;
using SaTools.Engine.Pods;
using static SaTools.Engine.Tests.PodFactory;

namespace SaTools.Engine.Tests.Automount;

public class AutomountImpactTests
{
    [Fact]
    public void OnlyLivePodsOfTheAccountThatLeaveTheFieldUnset()
    {
        var pods = new[]
        {
            Pod("b-implicit"),                       // no serviceAccountName: runs as default
            Pod("a-explicit", sa: "default"),
            Pod("legacy-field", legacySa: "default"),
            Pod("opted-out", automount: false),
            Pod("opted-in", automount: true),        // keeps its token: its own field wins
            Pod("other-sa", sa: "builder"),
            Pod("done", phase: "Succeeded"),
            Pod("crashed", phase: "Failed"),
            Pod("pending", phase: "Pending"),
        };
        Assert.Equal(["a-explicit", "b-implicit", "legacy-field", "pending"], AutomountImpact.PodsRelyingOnToken(pods, "default"));
        Assert.Empty(AutomountImpact.PodsRelyingOnToken(pods, "nobody"));
        Assert.Equal(["other-sa"], AutomountImpact.PodsRelyingOnToken(pods, "builder"));
    }

    [Fact]
    public void ServiceAccountNameFallsBackToTheDeprecatedFieldThenDefault()
    {
        Assert.Equal("default", PodServiceAccount.NameOf(Pod("p")));
        Assert.Equal("old", PodServiceAccount.NameOf(Pod("p", legacySa: "old")));
        Assert.Equal("new", PodServiceAccount.NameOf(Pod("p", sa: "new", legacySa: "old")));
    }
}
