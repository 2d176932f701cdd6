using SaTools.Engine.Usage;
using static SaTools.Engine.Tests.PodFactory;

namespace SaTools.Engine.Tests.Usage;

public class UsageJoinerTests
{
    private static readonly OwnerResolver NoOwners = new(new Dictionary<(string, string), WorkloadOwner?>(), null);

    private static List<ServiceAccountFacts> Facts(IEnumerable<k8s.Models.V1ServiceAccount> sas) =>
        sas.Select(ServiceAccountFacts.From).OfType<ServiceAccountFacts>().ToList();

    [Fact]
    public void JoinsEachPodToItsServiceAccount()
    {
        var sas = new[] { Sa("default"), Sa("builder", automount: false), Sa("idle"), Sa("default", ns: "other", automount: false) };
        var pods = new[]
        {
            Pod("web"),
            Pod("build", sa: "builder"),
            Pod("build-override", sa: "builder", automount: true),
            Pod("ghost", sa: "deleted-sa"),
            Pod("w2", ns: "other"),
        };
        var rows = UsageJoiner.Join(pods.Select(PodFacts.From), Facts(sas), NoOwners);
        var web = rows.Single(r => r.Pod == "web");
        Assert.True(web.UsesDefault);
        Assert.True(web.TokenMounted);
        Assert.Null(web.AutomountPod);
        var build = rows.Single(r => r.Pod == "build");
        Assert.False(build.TokenMounted);
        Assert.False(build.AutomountServiceAccount);
        Assert.False(build.UsesDefault);
        Assert.True(rows.Single(r => r.Pod == "build-override").TokenMounted);
        var ghost = rows.Single(r => r.Pod == "ghost");
        Assert.False(ghost.ServiceAccountExists);
        Assert.True(ghost.TokenMounted);
        Assert.False(rows.Single(r => r.Pod == "w2").TokenMounted);

        var summary = UsageJoiner.Summarize(rows, Facts(sas));
        var builder = summary.Single(s => s.ServiceAccount == "builder");
        Assert.Equal(2, builder.Pods);
        Assert.Equal(1, builder.PodsWithToken);
        Assert.False(builder.Unused);
        Assert.True(summary.Single(s => s.ServiceAccount == "idle").Unused);
        Assert.False(summary.Single(s => s.ServiceAccount == "default" && s.Namespace == "ns").Unused);
        var unusedDefault = UsageJoiner.Summarize([], Facts([Sa("default", ns: "empty")])).Single();
        Assert.False(unusedDefault.Unused);
        Assert.Equal(0, unusedDefault.Pods);
        var missing = summary.Single(s => s.ServiceAccount == "deleted-sa");
        Assert.False(missing.Exists);
        Assert.Equal(["ghost"], missing.PodNames);
        Assert.Equal(5, summary.Count); // four ServiceAccounts and the missing one
    }

    [Fact]
    public void RowsComeInTheApisKeyOrderWhateverOrderThePodsCameIn()
    {
        // Key order ("namespace/name") puts namespace "shop-eu" before "shop" ('-' sorts before '/'), as kubectl
        // get -A prints them; pods merged from dumps in another order are sorted into it, rows and totals alike.
        var pods = new[] { Pod("a", ns: "shop"), Pod("b", ns: "shop-eu"), Pod("c", ns: "shop") };
        var sas = new[] { Sa("default", ns: "shop"), Sa("default", ns: "shop-eu") };
        var rows = UsageJoiner.Join(pods.Select(PodFacts.From), Facts(sas), NoOwners);
        Assert.Equal(["shop-eu/b", "shop/a", "shop/c"], rows.Select(r => r.Namespace + "/" + r.Pod));
        var totals = UsageJoiner.Summarize(rows, Facts(sas));
        Assert.Equal(["shop-eu", "shop"], totals.Select(t => t.Namespace));
        Assert.Equal(["a", "c"], totals[1].PodNames);
    }
}
