using System.Text.Json.Nodes;
using SaTools.Engine.Audit;

namespace SaTools.Engine.Tests.Audit;

/// <summary>SA05 over an exported dump: which ServiceAccounts run several workloads, each workload named once and in
/// order, the accounts in the API's key order, the default ServiceAccount left to SA03.</summary>
public class SharedServiceAccountCheckTests
{
    private static JsonObject Pod(string ns, string name, string serviceAccount, string? statefulSet = null)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = $"uid-{ns}-{name}" };
        if (statefulSet is not null)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "StatefulSet", ["name"] = statefulSet, ["uid"] = "uid-" + statefulSet, ["controller"] = true,
            });
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["serviceAccountName"] = serviceAccount },
            ["status"] = new JsonObject { ["phase"] = "Running" },
        };
    }

    private static JsonObject ServiceAccount(string ns, string name) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "ServiceAccount",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = $"uid-sa-{ns}-{name}" },
    };

    [Fact]
    public void EachSharedAccountNamesItsWorkloadsOnceInOrder()
    {
        // Reported in the API's key order, app-x before app, whatever the dump's order. Three pods of web, one of db and
        // a bare pod share app-x/shared; app/two runs b and c; app/one runs two pods of a alone; default is SA03's.
        var items = new JsonArray(
            ServiceAccount("app", "default"), ServiceAccount("app", "one"), ServiceAccount("app", "two"),
            ServiceAccount("app-x", "default"), ServiceAccount("app-x", "shared"),
            Pod("app", "a-0", "one", "a"), Pod("app", "a-1", "one", "a"),
            Pod("app", "b-0", "two", "b"), Pod("app", "c-0", "two", "c"),
            Pod("app", "x", "default"), Pod("app", "y", "default", "z"),
            Pod("app-x", "web-0", "shared", "web"), Pod("app-x", "bare-1", "shared"), Pod("app-x", "web-1", "shared", "web"),
            Pod("app-x", "db-0", "shared", "db"), Pod("app-x", "web-2", "shared", "web"));
        var dir = Directory.CreateTempSubdirectory("satools-sa05-");
        try
        {
            var file = Path.Combine(dir.FullName, "dump.json");
            File.WriteAllText(file, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items }.ToJsonString());

            var outcome = AuditEvaluator.Evaluate(AuditManifestLoader.LoadFiles([file]), ["SA05"], null, DateTime.UtcNow).Single();

            Assert.Equal(3, outcome.Evaluated);
            Assert.Equal(
                [
                    "app-x/shared: ServiceAccount app-x/shared runs 3 workloads: Pod/bare-1, StatefulSet/db, StatefulSet/web. | " +
                    "kubectl create serviceaccount db -n app-x; kubectl set serviceaccount statefulset/db db -n app-x; " +
                    "kubectl create serviceaccount web -n app-x; kubectl set serviceaccount statefulset/web web -n app-x",
                    "app/two: ServiceAccount app/two runs 2 workloads: StatefulSet/b, StatefulSet/c. | " +
                    "kubectl create serviceaccount c -n app; kubectl set serviceaccount statefulset/c c -n app",
                ],
                outcome.Findings.Select(f => $"{f.Namespace}/{f.Name}: {f.Message} | {f.Remediation}"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
