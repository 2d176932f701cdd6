using k8s.Models;
using SaTools.Engine.Inventory;

namespace SaTools.Engine.Tests.Inventory;

public sealed class ServiceAccountRecordTests
{
    [Fact]
    public void MapsEveryField()
    {
        var sa = new V1ServiceAccount
        {
            Metadata = new V1ObjectMeta
            {
                Name = "builder", NamespaceProperty = "ci", Uid = "u-1",
                CreationTimestamp = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
                Labels = new Dictionary<string, string> { ["app"] = "ci" },
                Annotations = new Dictionary<string, string>
                {
                    ["eks.amazonaws.com/role-arn"] = "arn:aws:iam::123:role/ci",
                    ["azure.workload.identity/client-id"] = "00000000-1111-2222-3333-444444444444",
                },
            },
            AutomountServiceAccountToken = false,
            Secrets = new List<V1ObjectReference> { new() { Name = "builder-token-abc" } },
            ImagePullSecrets = new List<V1LocalObjectReference> { new() { Name = "registry" } },
        };
        var record = ServiceAccountInventory.ToRecord(sa);
        Assert.Equal(("ci", "builder", "u-1"), (record.Namespace, record.Name, record.Uid));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), record.Created);
        Assert.False(record.AutomountServiceAccountToken);
        Assert.False(record.AutomountEffective);
        Assert.False(record.IsDefault);
        Assert.Equal(new[] { "builder-token-abc" }, record.Secrets);
        Assert.Equal(new[] { "registry" }, record.ImagePullSecrets);
        Assert.Equal(new[] { "AKS:00000000-1111-2222-3333-444444444444", "EKS:arn:aws:iam::123:role/ci" }, record.WorkloadIdentities.Select(w => w.ToString()));
        Assert.Equal("ci", record.Labels["app"]);
    }

    [Fact]
    public void UnsetAutomountIsEffectivelyTrue()
    {
        var record = ServiceAccountInventory.ToRecord(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "default", NamespaceProperty = "x" } });
        Assert.Null(record.AutomountServiceAccountToken);
        Assert.True(record.AutomountEffective);
        Assert.True(record.IsDefault);
        Assert.Empty(record.Secrets);
        Assert.Empty(record.WorkloadIdentities);
    }

    [Fact]
    public void GkeIdentityIsRecognised() =>
        Assert.Equal("GKE", Assert.Single(WorkloadIdentity.From(new Dictionary<string, string> { ["iam.gke.io/gcp-service-account"] = "sa@p.iam.gserviceaccount.com" })).Provider);
}
