using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace KubeSandbox.Tests;

/// <summary>
/// The conformance suite: ../shared/k8s/recorded/replay.py replays the 233 exchanges recorded from a real
/// kube-apiserver v1.26 against a bootstrap sandbox and compares them with the README's tolerances only.
/// The sandbox advertises the recorded cluster's address (127.0.0.1:16443), as that cluster's
/// --advertise-address did, so discovery and the OIDC document name the same server, and seeds that release's
/// default RBAC policy (Scenarios/BootstrapPolicyRelease.cs), since the shared policy files are of another one:
/// the sandbox answers as v1.26 (KubernetesRelease), while its default is 1.33.
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Replaying_the_recorded_exchanges_matches_every_one()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bootstrap", KubernetesVersion = "1.26", AdvertisedAddress = "127.0.0.1:16443" });
        var dir = Directory.CreateTempSubdirectory("sandbox-conformance-");
        try
        {
            var kubeconfig = sandbox.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"));
            var report = Path.Combine(dir.FullName, "report.json");
            var replay = Path.Combine(RepoPaths.Shared, "k8s", "recorded", "replay.py");
            var result = await ProcessRunner.RunAsync("/usr/bin/python3", new[] { replay, "--kubeconfig", kubeconfig, "--report", report }, timeout: TimeSpan.FromMinutes(3));
            var summary = File.Exists(report) ? JsonNode.Parse(File.ReadAllText(report))!.AsObject() : null;
            var mismatches = summary?["records"]?.AsArray().Where(r => r!["match"]!.GetValue<bool>() == false)
                .Select(r => $"{r!["id"]}: {r["diff"]}").ToList() ?? new List<string>();
            output.WriteLine($"{summary?["matched"]}/{summary?["total"]} exchanges match");
            foreach (var m in mismatches) output.WriteLine(m);
            Assert.True(result.ExitCode == 0,
                $"{summary?["matched"]}/{summary?["total"]} recorded exchanges match; mismatches:\n{string.Join("\n", mismatches)}\n{result.Stderr}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
