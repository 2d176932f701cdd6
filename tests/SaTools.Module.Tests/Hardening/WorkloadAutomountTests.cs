using System.Management.Automation;
using System.Text.Json.Nodes;
using KubeSandbox.Faults;
using static SaTools.Module.Tests.Hardening.HardeningSandbox;

namespace SaTools.Module.Tests.Hardening;

/// <summary>Disable-K8sWorkloadAutomount and its undo, Set-K8sWorkloadAutomount, on the demo scenario, asserting on
/// what the server holds (a dump of every workload before and after) and on the sandbox's request log.</summary>
public sealed class WorkloadAutomountTests : IAsyncLifetime
{
    private static readonly (string Path, string Kind)[] Lists =
    [
        ("/apis/apps/v1/deployments", "Deployment"), ("/apis/apps/v1/statefulsets", "StatefulSet"),
        ("/apis/apps/v1/daemonsets", "DaemonSet"), ("/apis/batch/v1/cronjobs", "CronJob"),
        ("/apis/apps/v1/replicasets", "ReplicaSet"), ("/apis/batch/v1/jobs", "Job"), ("/api/v1/pods", "Pod"),
    ];

    // The demo's workloads whose ServiceAccount has no permissions beyond the baseline, whose pods get a token,
    // and whose template can be changed (see DemoScenario.WorkloadAutomountFixtures).
    private static readonly string[] NeedNoToken =
    [
        "data/CronJob/cleanup", "data/StatefulSet/feature-cache", "monitoring/DaemonSet/node-exporter",
        "shop/Deployment/storefront-static", "shop/ReplicaSet/legacy-rs",
    ];

    private HardeningSandbox _s = null!;

    public async Task InitializeAsync() => _s = await HardeningSandbox.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    /// <summary>Every workload and pod, keyed ns/Kind/name.</summary>
    private async Task<Dictionary<string, JsonObject>> DumpAsync()
    {
        var all = new Dictionary<string, JsonObject>();
        foreach (var (path, kind) in Lists)
        {
            foreach (var item in (await _s.GetAsync(path))["items"]!.AsArray())
            {
                all[$"{item!["metadata"]!["namespace"]}/{kind}/{item["metadata"]!["name"]}"] = item.AsObject();
            }
        }
        return all;
    }

    private static JsonObject? PodSpec(JsonObject o, string key)
    {
        var spec = o["spec"]!;
        return key.Contains("/Pod/", StringComparison.Ordinal) ? spec.AsObject()
            : (spec["jobTemplate"]?["spec"] ?? spec)["template"]?["spec"]?.AsObject();
    }

    private static bool? TemplateAutomount(JsonObject o, string key) =>
        PodSpec(o, key)?["automountServiceAccountToken"] is JsonValue v ? v.GetValue<bool>() : null;

    /// <summary>The object without the template's field and the bookkeeping a write changes.</summary>
    private static string Rest(JsonObject o, string key)
    {
        var copy = o.DeepClone().AsObject();
        var meta = copy["metadata"]!.AsObject();
        meta.Remove("resourceVersion");
        meta.Remove("managedFields");
        meta.Remove("generation");
        PodSpec(copy, key)?.Remove("automountServiceAccountToken");
        return copy.ToJsonString();
    }

    private static Dictionary<string, PSObject> Rows(ModuleSession.Result run) =>
        run.Output.ToDictionary(o => $"{Prop(o, "Namespace")}/{Prop(o, "Kind")}/{Prop(o, "Name")}");

    [Fact]
    public async Task WhatIfWritesNothingAndSaysWhatEachWorkloadWouldGet()
    {
        var mark = _s.Server.Requests.Count;
        var run = _s.Run("Disable-K8sWorkloadAutomount -AllNamespaces -WhatIf -PassThru");

        Assert.Empty(run.AllErrors);
        Assert.Empty(_s.Writes(mark));
        var rows = Rows(run);
        Assert.Equal(NeedNoToken, rows.Where(r => Prop(r.Value, "Action") == "WouldPatch").Select(r => r.Key).Order());
        string Row(string key) => $"{Prop(rows[key], "Action")}:{Prop(rows[key], "Reason")}:{Prop(rows[key], "RestartsPods")}";
        Assert.Equal("WouldPatch::True", Row("shop/Deployment/storefront-static"));
        Assert.Equal("WouldPatch::False", Row("shop/ReplicaSet/legacy-rs"));                 // a ReplicaSet does not replace its pods
        Assert.Equal("WouldPatch::False", Row("data/StatefulSet/feature-cache"));            // updateStrategy OnDelete
        Assert.Equal("WouldPatch::True", Row("monitoring/DaemonSet/node-exporter"));
        Assert.Equal("WouldPatch::False", Row("data/CronJob/cleanup"));
        Assert.Equal("AlreadyDisabled::False", Row("shop/Deployment/quiet-worker"));
        Assert.Equal("Skipped:TemplateDeclaresTokenVolume:False", Row("shop/Deployment/token-client"));
        Assert.Equal("Skipped:ServiceAccountHasPermissions:False", Row("shop/Deployment/frontend"));
        Assert.Equal("Skipped:ServiceAccountHasPermissions:False", Row("payments/StatefulSet/ledger"));
        Assert.Equal("Skipped:ServiceAccountHasPermissions:False", Row("data/CronJob/nightly-etl"));
        Assert.Equal("Skipped:JobTemplateImmutable:False", Row("data/Job/backfill-once"));
        Assert.Equal("Skipped:BarePodImmutable:False", Row("shop/Pod/debug-shell"));
        Assert.Equal("Skipped:BarePodImmutable:False", Row("data/Pod/trainer"));
        // Owned objects are handled through their owner; bare pods with no token or a needed one get no row.
        Assert.DoesNotContain(rows.Keys, k => k.Contains("/ReplicaSet/frontend-", StringComparison.Ordinal) || k.Contains("/Job/nightly-etl-", StringComparison.Ordinal));
        Assert.DoesNotContain("shop/Pod/batch-report", rows.Keys);
        Assert.DoesNotContain("legacy-apps/Pod/monolith", rows.Keys);
        Assert.Equal("", Prop(rows["shop/Deployment/storefront-static"], "Previous"));
        Assert.Equal("default", Prop(rows["shop/Deployment/storefront-static"], "ServiceAccount"));
    }

    [Fact]
    public async Task ARunPatchesExactlyTheWorkloadsThatNeedNoTokenASecondRunWritesNothingAndTheCsvUndoRestoresThem()
    {
        var before = await DumpAsync();
        var mark = _s.Server.Requests.Count;
        // $global:saved is what Export-Csv then Import-Csv give back (the hosted runspace has no
        // Microsoft.PowerShell.Utility; Pester does the real round trip): every property as its text, '' for null.
        var run = _s.Run("""
            $rows = Disable-K8sWorkloadAutomount -AllNamespaces -Confirm:$false -PassThru
            $global:saved = $rows | ForEach-Object {
                $row = [ordered]@{}
                foreach ($p in $_.PSObject.Properties) { $row[$p.Name] = "$($p.Value)" }
                [pscustomobject]$row
            }
            $rows
            """);

        Assert.Empty(run.AllErrors);
        var after = await DumpAsync();
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var changed = before.Keys.Where(k => TemplateAutomount(before[k], k) != TemplateAutomount(after[k], k)).Order().ToList();
        Assert.Equal(NeedNoToken, changed);
        Assert.All(changed, k => Assert.False(TemplateAutomount(after[k], k)));
        // Nothing else differs, in those or any other object.
        Assert.All(before.Keys, k => Assert.Equal(Rest(before[k], k), Rest(after[k], k)));
        // One PATCH per change, nothing else written.
        var writes = _s.Writes(mark);
        Assert.All(writes, w => Assert.Equal("PATCH", w.Method));
        Assert.Equal(NeedNoToken.Length, writes.Count);
        var rows = Rows(run);
        Assert.All(NeedNoToken, k => Assert.Equal(("Patched", "False"), (Prop(rows[k], "Action"), Prop(rows[k], "Current"))));

        mark = _s.Server.Requests.Count;
        var again = _s.Run("Disable-K8sWorkloadAutomount -AllNamespaces -Confirm:$false -PassThru");
        Assert.Empty(again.AllErrors);
        Assert.Empty(_s.Writes(mark));
        Assert.All(NeedNoToken, k => Assert.Equal("AlreadyDisabled", Prop(Rows(again)[k], "Action")));

        // The undo: the saved report, as text (Previous is '' for "not set"), replays the previous values.
        var undo = _s.Run("$global:saved | Set-K8sWorkloadAutomount -Confirm:$false -PassThru");
        Assert.Empty(undo.AllErrors);
        var restored = await DumpAsync();
        Assert.All(before.Keys, k => Assert.Equal(TemplateAutomount(before[k], k), TemplateAutomount(restored[k], k)));
        Assert.All(before.Keys, k => Assert.Equal(Rest(before[k], k), Rest(restored[k], k)));
        Assert.Equal(NeedNoToken, Rows(undo).Where(r => Prop(r.Value, "Action") == "Patched").Select(r => r.Key).Order());
        // Rows of Jobs and bare pods replay as no change: their value was never changed.
        Assert.Equal("Unchanged", Prop(Rows(undo)["data/Job/backfill-once"], "Action"));
    }

    [Fact]
    public async Task ResultObjectsPipedStraightBackAreTheUndoToo()
    {
        var before = await DumpAsync();
        var run = _s.Run("""
            $rows = Disable-K8sWorkloadAutomount -Namespace shop, data -Kind Deployment, StatefulSet -Confirm:$false -PassThru
            $rows | Set-K8sWorkloadAutomount -Confirm:$false -PassThru
            """);
        Assert.Empty(run.AllErrors);
        Assert.Equal(["data/StatefulSet/feature-cache", "shop/Deployment/storefront-static"],
            Rows(run).Where(r => Prop(r.Value, "Action") == "Patched").Select(r => r.Key).Order());
        var after = await DumpAsync();
        Assert.All(before.Keys, k => Assert.Equal(TemplateAutomount(before[k], k), TemplateAutomount(after[k], k)));
    }

    [Fact]
    public void SetTakesTheThreeValuesAndRefusesAnythingElse()
    {
        var run = _s.Run("""
            [pscustomobject]@{ Namespace = 'shop'; Kind = 'Deployment'; Name = 'storefront-static'; Previous = 'True' },
            [pscustomobject]@{ Namespace = 'shop'; Kind = 'deployment'; Name = 'quiet-worker'; Previous = '' },
            [pscustomobject]@{ Namespace = 'data'; Kind = 'CronJob'; Name = 'cleanup'; Previous = $false },
            [pscustomobject]@{ Namespace = 'shop'; Kind = 'ReplicaSet'; Name = 'legacy-rs'; Previous = 'maybe' } |
                Set-K8sWorkloadAutomount -Confirm:$false -PassThru
            """);
        var error = Assert.Single(run.Errors);
        Assert.Equal("SetK8sWorkloadAutomountInvalidValue,SaTools.Commands.SetK8sWorkloadAutomountCommand", error.FullyQualifiedErrorId);
        var rows = Rows(run);
        Assert.Equal(("Patched", "True"), (Prop(rows["shop/Deployment/storefront-static"], "Action"), Prop(rows["shop/Deployment/storefront-static"], "Current")));
        Assert.Equal(("Patched", "False", ""), (Prop(rows["shop/Deployment/quiet-worker"], "Action"), Prop(rows["shop/Deployment/quiet-worker"], "Previous"), Prop(rows["shop/Deployment/quiet-worker"], "Current")));
        Assert.Equal("Patched", Prop(rows["data/CronJob/cleanup"], "Action"));
        Assert.DoesNotContain("shop/ReplicaSet/legacy-rs", rows.Keys);
    }

    [Fact]
    public void AuditFindingsOfPodsTargetTheWorkloadThatOwnsThem()
    {
        var mark = _s.Server.Requests.Count;
        // Rows shaped as Invoke-K8sServiceAccountAudit emits them: Kind and Name of the pod, its ServiceAccount.
        var run = _s.Run("""
            [pscustomobject]@{ Check = 'SA02'; Kind = 'Pod'; Namespace = 'monitoring'; Name = 'node-exporter-x7k2p'; ServiceAccount = 'node-exporter' },
            [pscustomobject]@{ Check = 'SA02'; Kind = 'Pod'; Namespace = 'monitoring'; Name = 'node-exporter-m4q9z'; ServiceAccount = 'node-exporter' },
            [pscustomobject]@{ Check = 'SA02'; Kind = 'Pod'; Namespace = 'shop'; Name = 'frontend-6d4cf56db6-x2k9w'; ServiceAccount = 'frontend' },
            [pscustomobject]@{ Check = 'SA02'; Kind = 'Pod'; Namespace = 'data'; Name = 'nightly-etl-28391040-abcde'; ServiceAccount = 'etl' },
            [pscustomobject]@{ Check = 'SA02'; Kind = 'Pod'; Namespace = 'shop'; Name = 'debug-shell'; ServiceAccount = 'default' },
            [pscustomobject]@{ Check = 'SA02'; Kind = 'Pod'; Namespace = 'legacy-apps'; Name = 'monolith'; ServiceAccount = 'default' },
            [pscustomobject]@{ Check = 'SA02'; Kind = 'Pod'; Namespace = 'shop'; Name = 'gone'; ServiceAccount = 'default' } |
                Disable-K8sWorkloadAutomount -WhatIf -PassThru
            """);

        Assert.Empty(_s.Writes(mark));
        var error = Assert.Single(run.Errors);
        Assert.Equal("DisableK8sWorkloadAutomountWorkloadNotFound,SaTools.Commands.DisableK8sWorkloadAutomountCommand", error.FullyQualifiedErrorId);
        var rows = Rows(run);
        Assert.Equal(["data/CronJob/nightly-etl", "legacy-apps/Pod/monolith", "monitoring/DaemonSet/node-exporter", "shop/Deployment/frontend", "shop/Pod/debug-shell"], rows.Keys.Order());
        Assert.Equal("WouldPatch", Prop(rows["monitoring/DaemonSet/node-exporter"], "Action"));
        Assert.Equal("ServiceAccountHasPermissions", Prop(rows["shop/Deployment/frontend"], "Reason"));
        Assert.Equal("BarePodImmutable", Prop(rows["shop/Pod/debug-shell"], "Reason"));
        // A bare pod named on the pipeline whose ServiceAccount needs its token says so, not "cannot be changed".
        Assert.Equal(("Skipped", "ServiceAccountHasPermissions"), (Prop(rows["legacy-apps/Pod/monolith"], "Action"), Prop(rows["legacy-apps/Pod/monolith"], "Reason")));
    }

    [Fact]
    public async Task ForcePatchesWorkloadsWhoseServiceAccountHasPermissions()
    {
        var run = _s.Run("Disable-K8sWorkloadAutomount -Namespace shop -Kind Deployment -Force -Confirm:$false -PassThru");
        Assert.Empty(run.AllErrors);
        var rows = Rows(run);
        Assert.Equal("Patched", Prop(rows["shop/Deployment/frontend"], "Action"));
        Assert.Equal("Patched", Prop(rows["shop/Deployment/backend"], "Action"));
        Assert.Equal("Skipped", Prop(rows["shop/Deployment/token-client"], "Action"));
        var after = await DumpAsync();
        Assert.False(TemplateAutomount(after["shop/Deployment/frontend"], "shop/Deployment/frontend"));
        Assert.Null(TemplateAutomount(after["shop/Deployment/token-client"], "shop/Deployment/token-client"));
    }

    [Fact]
    public async Task AConflictReadsTheWorkloadAgainAndDecidesAgain()
    {
        // The PATCH is held back; meanwhile someone else sets the field (and so the resourceVersion changes): the
        // held PATCH meets a 409, the workload is read again, and the new decision is that nothing is left to write.
        var hold = _s.Server.Faults.Add(FaultKind.Latency, "/apis/apps/v1/namespaces/shop/deployments/storefront-static", times: 1,
            delay: TimeSpan.FromSeconds(2), method: "PATCH");
        var mark = _s.Server.Requests.Count;
        var running = Task.Run(() => _s.Run("Disable-K8sWorkloadAutomount -Namespace shop -Kind Deployment -Confirm:$false -PassThru"));
        for (var i = 0; i < 300 && _s.Server.Faults.FiredCount(hold) == 0; i++) await Task.Delay(20);
        _s.Server.Store.Mutate("deployments", "shop", "storefront-static",
            d => d["spec"]!["template"]!["spec"]!["automountServiceAccountToken"] = false);
        var run = await running;
        _s.Server.Faults.Clear();

        Assert.Empty(run.AllErrors);
        Assert.Equal("AlreadyDisabled", Prop(Rows(run)["shop/Deployment/storefront-static"], "Action"));
        var patches = _s.Writes(mark).Where(w => w.Path.EndsWith("/storefront-static", StringComparison.Ordinal)).ToList();
        Assert.Equal([409], patches.Select(w => w.Status));
    }

    [Fact]
    public void NameWithoutOneKindIsAnErrorBeforeAnyRequest()
    {
        var mark = _s.Server.Requests.Count;
        var run = _s.Run("Disable-K8sWorkloadAutomount -Namespace shop -Name frontend -WhatIf");
        Assert.Equal("DisableK8sWorkloadAutomountKindRequired,SaTools.Commands.DisableK8sWorkloadAutomountCommand", Assert.Single(run.Errors).FullyQualifiedErrorId);
        Assert.Empty(_s.Server.Requests.Snapshot().Skip(mark));
    }
}
