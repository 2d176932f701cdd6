using System.Text.Json.Nodes;
using SaTools.Engine.Audit;

namespace SaTools.Engine.Tests.Audit;

/// <summary>SA02 and SA08 read each pod's token volumes beside its usage row (AuditContext.UsagePods, the pod of each
/// Usage row at the same index): whatever order a dump lists its pods in, a finding names the pod that has the
/// volume.</summary>
public class PodChecksPairingTests
{
    private static JsonObject Pod(string ns, string name, bool tokenVolumeWithoutAudience = false)
    {
        var spec = new JsonObject { ["serviceAccountName"] = "app", ["automountServiceAccountToken"] = false };
        if (tokenVolumeWithoutAudience)
        {
            spec["volumes"] = new JsonArray(new JsonObject
            {
                ["name"] = "api-token",
                ["projected"] = new JsonObject { ["sources"] = new JsonArray(new JsonObject { ["serviceAccountToken"] = new JsonObject { ["path"] = "token" } }) },
            });
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = $"uid-{ns}-{name}" },
            ["spec"] = spec,
            ["status"] = new JsonObject { ["phase"] = "Running" },
        };
    }

    private static JsonObject ServiceAccount(string ns) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "ServiceAccount",
        ["metadata"] = new JsonObject { ["name"] = "app", ["namespace"] = ns, ["uid"] = $"uid-sa-{ns}" },
    };

    [Fact]
    public void AFindingNamesThePodWithTheVolumeWhateverTheDumpsOrder()
    {
        // Listed c, b, a; the API's order is app-x/b, app/a, app/c. Only app-x/b declares a token volume the API server
        // accepts (no audience), with automounting off in every pod.
        var items = new JsonArray(
            ServiceAccount("app"), ServiceAccount("app-x"),
            Pod("app", "c"), Pod("app-x", "b", tokenVolumeWithoutAudience: true), Pod("app", "a"));
        var dir = Directory.CreateTempSubdirectory("satools-pairing-");
        try
        {
            var file = Path.Combine(dir.FullName, "dump.json");
            File.WriteAllText(file, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items }.ToJsonString());

            var outcomes = AuditEvaluator.Evaluate(AuditManifestLoader.LoadFiles([file]), ["SA02", "SA08"], null, DateTime.UtcNow).ToList();

            Assert.Equal(["SA02", "SA08"], outcomes.Select(o => o.Check.CheckId));
            Assert.All(outcomes, o => Assert.Equal(3, o.Evaluated));
            Assert.All(outcomes, o => Assert.Equal("app-x/b", Assert.Single(o.Findings) is var f ? $"{f.Namespace}/{f.Name}" : null));
            Assert.Contains("projected serviceAccountToken volume without an audience", outcomes[0].Findings[0].Message);
            Assert.Contains("volume 'api-token': no audience", outcomes[1].Findings[0].Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
