using k8s.Models;
using SaTools.Engine.Pods;
using static SaTools.Engine.Tests.PodFactory;

namespace SaTools.Engine.Tests.Usage;

public class TokenMountRuleTests
{
    // Every combination of pod field x ServiceAccount field x hand-declared volume.
    [Theory]
    [InlineData(null, null, false, true)]
    [InlineData(null, true, false, true)]
    [InlineData(null, false, false, false)]
    [InlineData(true, null, false, true)]
    [InlineData(true, true, false, true)]
    [InlineData(true, false, false, true)]
    [InlineData(false, null, false, false)]
    [InlineData(false, true, false, false)]
    [InlineData(false, false, false, false)]
    [InlineData(null, null, true, true)]
    [InlineData(null, true, true, true)]
    [InlineData(null, false, true, true)]
    [InlineData(true, null, true, true)]
    [InlineData(true, true, true, true)]
    [InlineData(true, false, true, true)]
    [InlineData(false, null, true, true)]
    [InlineData(false, true, true, true)]
    [InlineData(false, false, true, true)]
    public void PodFieldThenServiceAccountFieldThenTrue(bool? pod, bool? sa, bool declared, bool expected) =>
        Assert.Equal(expected, TokenMountRule.Effective(pod, sa, declared));

    [Fact]
    public void HandDeclaredProjectedTokenVolumeIsSeen()
    {
        var declared = Pod("p", automount: false, volumes:
        [
            new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "c" } },
            new V1Volume { Name = "tok", Projected = new V1ProjectedVolumeSource { Sources = [new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { Path = "token", Audience = "vault" } }] } },
        ]);
        Assert.True(TokenMountRule.DeclaresTokenVolume(declared));
        var plain = Pod("q", volumes: [new V1Volume { Name = "s", Projected = new V1ProjectedVolumeSource { Sources = [new V1VolumeProjection { ConfigMap = new V1ConfigMapProjection { Name = "c" } }] } }]);
        Assert.False(TokenMountRule.DeclaresTokenVolume(plain));
        Assert.False(TokenMountRule.DeclaresTokenVolume(Pod("r")));
    }
}
