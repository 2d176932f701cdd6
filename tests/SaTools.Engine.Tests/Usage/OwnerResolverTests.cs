using k8s.Models;
using SaTools.Engine.Usage;
using static SaTools.Engine.Tests.PodFactory;

namespace SaTools.Engine.Tests.Usage;

public class OwnerResolverTests
{
    private static readonly Dictionary<(string, string), WorkloadOwner?> ReplicaSets = new()
    {
        [("ns", "web-5d8f7")] = new WorkloadOwner("Deployment", "web"),
        [("ns", "bare-rs")] = null,
    };

    private static readonly Dictionary<(string, string), WorkloadOwner?> Jobs = new()
    {
        [("ns", "nightly-2893")] = new WorkloadOwner("CronJob", "nightly"),
        [("ns", "once")] = null,
    };

    private static WorkloadOwner? Resolve(OwnerResolver r, string kind, string name, IDictionary<string, string>? labels = null) =>
        r.Resolve(PodFacts.From(Pod("p", owners: [Controller(kind, name)], labels: labels)));

    [Fact]
    public void DeploymentThroughItsReplicaSet()
    {
        var r = new OwnerResolver(ReplicaSets, Jobs);
        Assert.Equal(new WorkloadOwner("Deployment", "web"), Resolve(r, "ReplicaSet", "web-5d8f7"));
        Assert.Equal(new WorkloadOwner("ReplicaSet", "bare-rs"), Resolve(r, "ReplicaSet", "bare-rs"));
        Assert.False(r.InfersDeployments);
    }

    [Fact]
    public void CronJobThroughItsJob()
    {
        var r = new OwnerResolver(ReplicaSets, Jobs);
        Assert.Equal(new WorkloadOwner("CronJob", "nightly"), Resolve(r, "Job", "nightly-2893"));
        Assert.Equal(new WorkloadOwner("Job", "once"), Resolve(r, "Job", "once"));
        Assert.Equal(new WorkloadOwner("Job", "x"), Resolve(new OwnerResolver(ReplicaSets, null), "Job", "x"));
    }

    [Theory]
    [InlineData("StatefulSet", "db")]
    [InlineData("DaemonSet", "agent")]
    public void OtherControllersAsTheyAre(string kind, string name) =>
        Assert.Equal(new WorkloadOwner(kind, name), Resolve(new OwnerResolver(ReplicaSets, Jobs), kind, name));

    [Fact]
    public void NoControllerNoOwner()
    {
        var r = new OwnerResolver(ReplicaSets, Jobs);
        Assert.Null(r.Resolve(PodFacts.From(Pod("p"))));
        var notController = new V1OwnerReference { Kind = "ReplicaSet", Name = "web-5d8f7", Controller = false };
        Assert.Null(r.Resolve(PodFacts.From(Pod("p", owners: [notController]))));
    }

    [Fact]
    public void WithoutReplicaSetsDeploymentIsInferredFromTheHashLabel()
    {
        var r = new OwnerResolver(null, Jobs);
        Assert.True(r.InfersDeployments);
        Assert.Equal(new WorkloadOwner("Deployment", "my-web"),
            Resolve(r, "ReplicaSet", "my-web-5d8f7", new Dictionary<string, string> { ["pod-template-hash"] = "5d8f7" }));
        Assert.Equal(new WorkloadOwner("ReplicaSet", "my-web-5d8f7"), Resolve(r, "ReplicaSet", "my-web-5d8f7"));
        Assert.Equal(new WorkloadOwner("ReplicaSet", "my-web-5d8f7"),
            Resolve(r, "ReplicaSet", "my-web-5d8f7", new Dictionary<string, string> { ["pod-template-hash"] = "zzz" }));
    }
}
