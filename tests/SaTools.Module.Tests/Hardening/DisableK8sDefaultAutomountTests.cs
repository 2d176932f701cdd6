using System.Management.Automation;
using System.Text.Json.Nodes;
using KubeSandbox.Faults;
using static SaTools.Module.Tests.Hardening.HardeningSandbox;

namespace SaTools.Module.Tests.Hardening;

/// <summary>Disable-K8sDefaultAutomount and Set-K8sServiceAccountAutomount against the sandbox (demo scenario plus
/// a few namespaces of its own), asserting on what the server holds and on the sandbox's request log.</summary>
public sealed class DisableK8sDefaultAutomountTests : IAsyncLifetime
{
    private HardeningSandbox _s = null!;

    public async Task InitializeAsync()
    {
        _s = await HardeningSandbox.StartAsync();
        foreach (var ns in new[] { "am-alpha", "am-beta", "am-gamma", "am-delta" })
        {
            await _s.NamespaceAsync(ns);
        }
        await _s.PatchServiceAccountAsync("am-gamma", "default", new JsonObject { ["automountServiceAccountToken"] = true });
        await _s.PatchServiceAccountAsync("am-delta", "default", new JsonObject { ["automountServiceAccountToken"] = false });
        // The impact: relies (implicit default SA), relies (explicit), opted out, opted in, another ServiceAccount.
        await _s.ServiceAccountAsync("am-alpha", "builder");
        await _s.PodAsync("am-alpha", "web-1");
        await _s.PodAsync("am-alpha", "web-2", serviceAccount: "default");
        await _s.PodAsync("am-alpha", "batch-off", automount: false);
        await _s.PodAsync("am-alpha", "probe-on", automount: true);
        await _s.PodAsync("am-alpha", "builder-1", serviceAccount: "builder");
    }

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private static bool? Automount(JsonObject sa) =>
        sa["automountServiceAccountToken"] is JsonValue v ? v.GetValue<bool>() : null;

    /// <summary>Every difference between two dumps except the automount field of default ServiceAccounts and
    /// the bookkeeping the server changes on a write.</summary>
    private static List<string> OtherDifferences(Dictionary<string, JsonObject> before, Dictionary<string, JsonObject> after)
    {
        var problems = new List<string>();
        foreach (var key in before.Keys.Union(after.Keys))
        {
            if (!before.TryGetValue(key, out var b) || !after.TryGetValue(key, out var a))
            {
                problems.Add($"{key} appeared or disappeared");
                continue;
            }
            var bc = b.DeepClone().AsObject();
            var ac = a.DeepClone().AsObject();
            foreach (var o in new[] { bc, ac })
            {
                var meta = o["metadata"]!.AsObject();
                meta.Remove("resourceVersion");
                meta.Remove("managedFields");
                if (key.EndsWith("/default", StringComparison.Ordinal)) o.Remove("automountServiceAccountToken");
            }
            if (!JsonNode.DeepEquals(bc, ac)) problems.Add($"{key} changed: {bc.ToJsonString()} -> {ac.ToJsonString()}");
        }
        return problems;
    }

    [Fact]
    public async Task AllNamespacesPatchesOnlyWhatNeedsItAndASecondRunWritesNothing()
    {
        var before = await _s.DumpServiceAccountsAsync();
        var namespaces = await _s.NamespacesAsync();
        var needing = before.Where(kv => kv.Key.EndsWith("/default", StringComparison.Ordinal) && Automount(kv.Value) != false).Select(kv => kv.Key).ToHashSet();
        var mark = _s.Server.Requests.Count;

        var run = _s.Run("Disable-K8sDefaultAutomount -AllNamespaces -PassThru -Confirm:$false");

        Assert.Empty(run.AllErrors);
        Assert.Equal(namespaces.OrderBy(n => n), run.Output.Select(o => Prop(o, "Namespace")).OrderBy(n => n));
        Assert.All(run.Output, o => Assert.Equal("default", Prop(o, "ServiceAccount")));
        Assert.Equal("AlreadyDisabled", Prop(run.Output.Single(o => Prop(o, "Namespace") == "am-delta"), "Action"));
        var gamma = run.Output.Single(o => Prop(o, "Namespace") == "am-gamma");
        Assert.Equal(("True", "False", "Patched"), (Prop(gamma, "Previous"), Prop(gamma, "Current"), Prop(gamma, "Action")));
        Assert.Equal("not set", Prop(run.Output.Single(o => Prop(o, "Namespace") == "am-beta"), "Previous"));
        Assert.All(run.Output, o => Assert.False(string.IsNullOrEmpty(Prop(o, "Context"))));

        var after = await _s.DumpServiceAccountsAsync();
        Assert.All(after.Where(kv => kv.Key.EndsWith("/default", StringComparison.Ordinal)), kv => Assert.False(Automount(kv.Value)));
        Assert.Empty(OtherDifferences(before, after));
        var writes = _s.Writes(mark);
        Assert.All(writes, w => Assert.Equal("PATCH", w.Method));
        Assert.Equal(needing.OrderBy(n => n), writes.Select(w => PathKey(w.Path)).OrderBy(n => n));
        Assert.Equal(needing.Count, run.Output.Count(o => Prop(o, "Action") == "Patched"));

        mark = _s.Server.Requests.Count;
        var second = _s.Run("Disable-K8sDefaultAutomount -AllNamespaces -PassThru -Confirm:$false");
        Assert.Empty(second.AllErrors);
        Assert.All(second.Output, o => Assert.Equal("AlreadyDisabled", Prop(o, "Action")));
        Assert.Empty(_s.Writes(mark));
        // Cluster-wide reads: namespaces, default ServiceAccounts and pods, one list each (one page each here).
        var reads = _s.Server.Requests.Snapshot().Skip(mark).ToList();
        Assert.Equal(3, reads.Count);
    }

    private static string PathKey(string path)
    {
        // /api/v1/namespaces/{ns}/serviceaccounts/{name}
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return $"{parts[3]}/{parts[5]}";
    }

    [Fact]
    public void AMalformedWildcardIsAParameterErrorBeforeAnyRequest()
    {
        var mark = _s.Server.Requests.Count;
        var run = _s.Run("Disable-K8sDefaultAutomount -AllNamespaces -ExcludeNamespace 'kube-[]' -Confirm:$false");
        Assert.NotNull(run.Terminating);
        Assert.Equal("DisableK8sDefaultAutomountInvalidPattern,SaTools.Commands.DisableK8sDefaultAutomountCommand", run.Terminating!.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, run.Terminating.CategoryInfo.Category);
        Assert.Equal("kube-[]", run.Terminating.TargetObject);
        Assert.Equal(mark, _s.Server.Requests.Count);
    }

    [Fact]
    public async Task WildcardExclusionsLeaveThoseNamespacesAloneAndSayWhich()
    {
        var before = await _s.DumpServiceAccountsAsync();
        var run = _s.Run("Disable-K8sDefaultAutomount -AllNamespaces -ExcludeNamespace 'kube-*', 'am-g?mma' -PassThru -Confirm:$false -Verbose");
        Assert.Empty(run.AllErrors);
        var handled = run.Output.Select(o => Prop(o, "Namespace")).ToList();
        Assert.DoesNotContain(handled, n => n.StartsWith("kube-", StringComparison.Ordinal) || n == "am-gamma");
        Assert.Contains("am-alpha", handled);
        var after = await _s.DumpServiceAccountsAsync();
        foreach (var key in before.Keys.Where(k => k.StartsWith("kube-", StringComparison.Ordinal) || k.StartsWith("am-gamma/", StringComparison.Ordinal)))
        {
            Assert.Equal(Automount(before[key]), Automount(after[key]));
        }
        Assert.Contains(run.Verbose, v => v.Contains("'kube-system' excluded", StringComparison.Ordinal));
        Assert.Contains(run.Verbose, v => v.Contains("'am-gamma' excluded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PipelineInputFromGetK8sServiceAccountIsFoldedPerNamespace()
    {
        var mark = _s.Server.Requests.Count;
        var run = _s.Run("Get-K8sServiceAccount -Namespace am-alpha, am-beta | Disable-K8sDefaultAutomount -PassThru -Confirm:$false");
        Assert.Empty(run.AllErrors);
        Assert.Equal(new[] { "am-alpha", "am-beta" }, run.Output.Select(o => Prop(o, "Namespace")).OrderBy(n => n));
        Assert.All(run.Output, o => Assert.Equal("Patched", Prop(o, "Action")));
        Assert.Equal(2, _s.Writes(mark).Count);
        Assert.Null(Automount((await _s.DumpServiceAccountsAsync())["am-alpha/builder"]));

        // Namespace objects (a Name, no Namespace) and plain strings bind too.
        mark = _s.Server.Requests.Count;
        var objects = _s.Run("[pscustomobject]@{ Name = 'am-gamma' }, 'am-gamma', 'am-delta' | Disable-K8sDefaultAutomount -PassThru -Confirm:$false");
        Assert.Empty(objects.AllErrors);
        Assert.Equal(new[] { "am-delta:AlreadyDisabled", "am-gamma:Patched" }, objects.Output.Select(o => $"{Prop(o, "Namespace")}:{Prop(o, "Action")}").OrderBy(x => x));
        Assert.Single(_s.Writes(mark));
    }

    [Fact]
    public async Task WhatIfWritesNothingAndReportsWouldPatch()
    {
        var before = await _s.DumpServiceAccountsAsync();
        var mark = _s.Server.Requests.Count;
        var run = _s.Run("Disable-K8sDefaultAutomount -Namespace 'am-*' -WhatIf -PassThru");
        Assert.Empty(run.AllErrors);
        Assert.Empty(_s.Writes(mark));
        var actions = run.Output.ToDictionary(o => Prop(o, "Namespace"), o => Prop(o, "Action"));
        Assert.Equal("WouldPatch", actions["am-alpha"]);
        Assert.Equal("WouldPatch", actions["am-gamma"]);
        Assert.Equal("AlreadyDisabled", actions["am-delta"]);
        Assert.Empty(OtherDifferences(before, await _s.DumpServiceAccountsAsync()));
        Assert.Equal(before.Count, (await _s.DumpServiceAccountsAsync()).Count);
        Assert.Equal(Automount(before["am-alpha/default"]), Automount((await _s.DumpServiceAccountsAsync())["am-alpha/default"]));
    }

    [Fact]
    public async Task ImpactNamesThePodsThatRelyOnTheDefaultToken()
    {
        var run = _s.Run("Disable-K8sDefaultAutomount -Namespace am-alpha, am-beta -PassThru -Confirm:$false");
        Assert.Empty(run.AllErrors);
        var alpha = run.Output.Single(o => Prop(o, "Namespace") == "am-alpha");
        Assert.Equal(2, (int)alpha.Properties["PodsRelyingOnToken"].Value);
        Assert.Equal(new[] { "web-1", "web-2" }, ((IEnumerable<string>)alpha.Properties["RelyingPods"].Value).ToArray());
        Assert.Equal(0, (int)run.Output.Single(o => Prop(o, "Namespace") == "am-beta").Properties["PodsRelyingOnToken"].Value);

        // Export-Csv writes each property's ToString() (the hosted runspace has no Microsoft.PowerShell.Utility, so
        // the test reads the values the same way).
        var csvCells = alpha.Properties.Select(p => p.Value?.ToString() ?? "").ToList();
        Assert.Contains("web-1; web-2", csvCells);
        Assert.DoesNotContain(csvCells, c => c.StartsWith("System.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingNamespaceIsAFailedRowAndTheOthersGoOn()
    {
        var run = _s.Run("Disable-K8sDefaultAutomount -Namespace am-alpha, no-such-ns, 'zz-*' -PassThru -Confirm:$false");
        Assert.Null(run.Terminating);
        Assert.Contains(run.Errors, e => e.FullyQualifiedErrorId.StartsWith("DisableK8sDefaultAutomount", StringComparison.Ordinal) && e.CategoryInfo.Category == ErrorCategory.ObjectNotFound);
        var failed = run.Output.Single(o => Prop(o, "Namespace") == "no-such-ns");
        Assert.Equal("Failed", Prop(failed, "Action"));
        Assert.Equal("unknown", Prop(failed, "Previous"));
        Assert.Equal("Patched", Prop(run.Output.Single(o => Prop(o, "Namespace") == "am-alpha"), "Action"));
        Assert.False(Automount((await _s.DumpServiceAccountsAsync())["am-alpha/default"]));
    }

    [Fact]
    public async Task ForbiddenNamespaceIsAFailedRowWithANonTerminatingError()
    {
        // An operator ServiceAccount allowed to read and patch ServiceAccounts and list pods in two namespaces only.
        await _s.NamespaceAsync("am-ops");
        await _s.ServiceAccountAsync("am-ops", "operator");
        await _s.SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/clusterroles", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "am-sa-patcher" },
            ["rules"] = new JsonArray(
                new JsonObject { ["apiGroups"] = new JsonArray(""), ["resources"] = new JsonArray("serviceaccounts"), ["verbs"] = new JsonArray("get", "patch") },
                new JsonObject { ["apiGroups"] = new JsonArray(""), ["resources"] = new JsonArray("pods"), ["verbs"] = new JsonArray("list") }),
        });
        foreach (var ns in new[] { "am-alpha", "am-beta" })
        {
            await _s.SendAsync(HttpMethod.Post, $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings", new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = "operator" },
                ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = "am-sa-patcher" },
                ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "operator", ["namespace"] = "am-ops" }),
            });
        }
        var kubeconfig = await _s.KubeconfigForAsync("am-ops", "operator");

        var run = _s.Run("Disable-K8sDefaultAutomount -Namespace am-alpha, am-gamma, am-beta -Kubeconfig $args[0] -PassThru -Confirm:$false", kubeconfig);

        Assert.Null(run.Terminating);
        var error = Assert.Single(run.Errors);
        Assert.Equal("DisableK8sDefaultAutomountForbidden,SaTools.Commands.DisableK8sDefaultAutomountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        var rows = run.Output.ToDictionary(o => Prop(o, "Namespace"), o => Prop(o, "Action"));
        Assert.Equal("Failed", rows["am-gamma"]);
        Assert.Equal("Patched", rows["am-alpha"]);
        Assert.Equal("Patched", rows["am-beta"]);
        var after = await _s.DumpServiceAccountsAsync();
        Assert.True(Automount(after["am-gamma/default"]));
    }

    [Fact]
    public async Task WithoutClusterWideListsAllNamespacesFallsBackToOneReadPerNamespace()
    {
        // May list namespaces, and read and patch ServiceAccounts and list pods in am-alpha only.
        await _s.NamespaceAsync("am-ops");
        await _s.ServiceAccountAsync("am-ops", "operator");
        await _s.SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/clusterroles", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "am-namespace-lister" },
            ["rules"] = new JsonArray(new JsonObject { ["apiGroups"] = new JsonArray(""), ["resources"] = new JsonArray("namespaces"), ["verbs"] = new JsonArray("list") }),
        });
        await _s.SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "am-operator-lists-namespaces" },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = "am-namespace-lister" },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "operator", ["namespace"] = "am-ops" }),
        });
        await _s.SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/namespaces/am-alpha/roles", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "sa-patcher" },
            ["rules"] = new JsonArray(
                new JsonObject { ["apiGroups"] = new JsonArray(""), ["resources"] = new JsonArray("serviceaccounts"), ["verbs"] = new JsonArray("get", "patch") },
                new JsonObject { ["apiGroups"] = new JsonArray(""), ["resources"] = new JsonArray("pods"), ["verbs"] = new JsonArray("list") }),
        });
        await _s.SendAsync(HttpMethod.Post, "/apis/rbac.authorization.k8s.io/v1/namespaces/am-alpha/rolebindings", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "operator" },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = "sa-patcher" },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "operator", ["namespace"] = "am-ops" }),
        });
        var kubeconfig = await _s.KubeconfigForAsync("am-ops", "operator");
        var namespaces = await _s.NamespacesAsync();

        var run = _s.Run("Disable-K8sDefaultAutomount -Namespace 'am-*' -Kubeconfig $args[0] -PassThru -Confirm:$false", kubeconfig);

        Assert.Null(run.Terminating);
        var rows = run.Output.ToDictionary(o => Prop(o, "Namespace"), o => Prop(o, "Action"));
        Assert.Equal(namespaces.Where(n => n.StartsWith("am-", StringComparison.Ordinal)).OrderBy(n => n), rows.Keys.OrderBy(n => n));
        Assert.Equal("Patched", rows["am-alpha"]);
        Assert.All(rows.Where(r => r.Key != "am-alpha"), r => Assert.Equal("Failed", r.Value));
        Assert.Equal(rows.Count - 1, run.Errors.Count(e => e.CategoryInfo.Category == ErrorCategory.PermissionDenied));
        Assert.False(Automount((await _s.DumpServiceAccountsAsync())["am-alpha/default"]));
    }

    [Fact]
    public async Task UnderFaultsEveryDefaultEndsFalseWrittenOnceWithNoOtherChange()
    {
        var before = await _s.DumpServiceAccountsAsync();
        var needing = before.Where(kv => kv.Key.EndsWith("/default", StringComparison.Ordinal) && Automount(kv.Value) != false).Select(kv => kv.Key).ToHashSet();
        // Each kind of fault hits one namespace's PATCH a fixed number of times, so the test always exercises every
        // one and never exhausts the retry budget by chance.
        _s.Server.Faults.Add(FaultKind.TooManyRequests, "/api/v1/namespaces/am-alpha/", times: 2, retryAfterSeconds: 1, method: "PATCH");
        _s.Server.Faults.Add(FaultKind.InternalError, "/api/v1/namespaces/am-beta/", times: 2, method: "PATCH");
        _s.Server.Faults.Add(FaultKind.ConnectionReset, "/api/v1/namespaces/am-gamma/", times: 2, method: "PATCH");
        _s.Server.Faults.Add(FaultKind.ServiceUnavailable, "/api/v1/serviceaccounts", times: 1);
        _s.Server.Faults.Add(FaultKind.ConnectionReset, "/api/v1/pods", times: 1);
        var mark = _s.Server.Requests.Count;
        // What the store persisted: a PATCH that changes nothing (a resend whose first answer was lost with a reset
        // connection) writes nothing, as in kube-apiserver (k8s.io/apiserver pkg/storage/etcd3/store.go
        // GuaranteedUpdate returns early when the new object equals the stored one).
        var persisted = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void OnChanged(KubeSandbox.Storage.StoreChange c)
        {
            if (c.Resource == "serviceaccounts" && c.Kind == KubeSandbox.Storage.StoreChangeKind.Updated) persisted.Enqueue($"{c.Namespace}/{c.Name}");
        }
        _s.Server.Store.Changed += OnChanged;

        var run = _s.Run("Disable-K8sDefaultAutomount -AllNamespaces -PassThru -Confirm:$false");

        _s.Server.Store.Changed -= OnChanged;
        Assert.Empty(run.AllErrors);
        _s.Server.Faults.Clear();
        var after = await _s.DumpServiceAccountsAsync();
        Assert.All(after.Where(kv => kv.Key.EndsWith("/default", StringComparison.Ordinal)), kv => Assert.False(Automount(kv.Value)));
        Assert.Empty(OtherDifferences(before, after));
        // Written exactly once per needed change, and never anything else.
        Assert.Equal(needing.OrderBy(n => n), persisted.OrderBy(n => n));
        // Every needed change was carried out by one PATCH the server answered (no fault), and none was sent again:
        // after a fault the module reads back before it writes again.
        var applied = _s.Writes(mark).Where(w => w.Status == 200 && w.Fault is null).Select(w => PathKey(w.Path)).ToList();
        Assert.Equal(needing.OrderBy(n => n), applied.OrderBy(n => n));
        Assert.Equal(6, _s.Writes(mark).Count(w => w.Fault is not null));
    }

    [Fact]
    public async Task AResetConnectionEndsEveryWriteInFlightYetNothingIsWrittenTwice()
    {
        // Over HTTP/2 the eight PATCHes in flight share one connection: resetting it (TCP, not one stream) loses the
        // answers of writes the server already carried out. The module must read back, not send them again.
        var before = await _s.DumpServiceAccountsAsync();
        var needing = before.Where(kv => kv.Key.EndsWith("/default", StringComparison.Ordinal) && Automount(kv.Value) != false).Select(kv => kv.Key).ToHashSet();
        _s.Server.Faults.Add(FaultKind.Latency, "/api/v1/namespaces/", delay: TimeSpan.FromMilliseconds(50), method: "PATCH");
        _s.Server.Faults.Add(FaultKind.TcpReset, "/api/v1/namespaces/am-gamma/", times: 1, method: "PATCH");
        var mark = _s.Server.Requests.Count;

        var run = _s.Run("Disable-K8sDefaultAutomount -AllNamespaces -PassThru -Confirm:$false");

        _s.Server.Faults.Clear();
        Assert.Empty(run.AllErrors);
        var after = await _s.DumpServiceAccountsAsync();
        Assert.All(after.Where(kv => kv.Key.EndsWith("/default", StringComparison.Ordinal)), kv => Assert.False(Automount(kv.Value)));
        Assert.Empty(OtherDifferences(before, after));
        // Carried out once each: the PATCHes the server applied (200, only slowed down) are one per needed change.
        var applied = _s.Writes(mark).Where(w => w.Status == 200 && w.Fault is null or "latency").Select(w => PathKey(w.Path)).ToList();
        Assert.Equal(needing.OrderBy(n => n), applied.OrderBy(n => n));
        Assert.Single(_s.Writes(mark), w => w.Fault == "latency,tcp-reset");
    }

    [Fact]
    public async Task AFailureThatOutlastsTheRetriesIsAFailedRowAndTheOthersGoOn()
    {
        // More 500s on am-beta's PATCH than the API layer retries.
        _s.Server.Faults.Add(FaultKind.InternalError, "/api/v1/namespaces/am-beta/", times: 20, method: "PATCH");
        var run = _s.Run("Disable-K8sDefaultAutomount -Namespace am-alpha, am-beta, am-gamma -PassThru -Confirm:$false");
        _s.Server.Faults.Clear();

        Assert.Null(run.Terminating);
        var error = Assert.Single(run.Errors);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Equal("am-beta/default", error.TargetObject);
        var beta = run.Output.Single(o => Prop(o, "Namespace") == "am-beta");
        Assert.Equal(("Failed", "not set"), (Prop(beta, "Action"), Prop(beta, "Current")));
        Assert.False(string.IsNullOrEmpty(Prop(beta, "Error")));
        Assert.Equal("Patched", Prop(run.Output.Single(o => Prop(o, "Namespace") == "am-alpha"), "Action"));
        Assert.Equal("Patched", Prop(run.Output.Single(o => Prop(o, "Namespace") == "am-gamma"), "Action"));
        var after = await _s.DumpServiceAccountsAsync();
        Assert.Null(Automount(after["am-beta/default"]));
    }

    [Fact]
    public async Task UndoFromTheFirstRunsReportRestoresEveryValue()
    {
        var before = await _s.DumpServiceAccountsAsync();
        // What Export-Csv then Import-Csv give back: objects whose every property is the text of the original.
        var run = _s.Run("""
            $global:saved = Disable-K8sDefaultAutomount -Namespace 'am-*' -PassThru -Confirm:$false | ForEach-Object {
                $row = [ordered]@{}
                foreach ($p in $_.PSObject.Properties) { $row[$p.Name] = "$($p.Value)" }
                [pscustomobject]$row
            }
            """);
        Assert.Empty(run.AllErrors);
        Assert.False(Automount((await _s.DumpServiceAccountsAsync())["am-gamma/default"]));

        var undo = _s.Run("$global:saved | Where-Object Action -eq Patched | Set-K8sServiceAccountAutomount -PassThru -Confirm:$false");

        Assert.Empty(undo.AllErrors);
        Assert.All(undo.Output, o => Assert.Equal("Patched", Prop(o, "Action")));
        var after = await _s.DumpServiceAccountsAsync();
        foreach (var ns in new[] { "am-alpha", "am-beta", "am-gamma", "am-delta" })
        {
            Assert.Equal(Automount(before[$"{ns}/default"]), Automount(after[$"{ns}/default"]));
        }
        Assert.False(after["am-alpha/default"].ContainsKey("automountServiceAccountToken"), "not set must be restored by removing the field");
        Assert.True(Automount(after["am-gamma/default"]));
    }

    [Fact]
    public async Task SetWithTheSameValueWritesNothingAndRejectsUnreadableValues()
    {
        var mark = _s.Server.Requests.Count;
        var run = _s.Run("Set-K8sServiceAccountAutomount -Namespace am-delta -Name default -Value $false -PassThru; Set-K8sServiceAccountAutomount -Namespace am-alpha -Name builder -Value unknown -PassThru");
        Assert.Equal("AlreadyDisabled", Prop(run.Output.Single(), "Action"));
        Assert.Empty(_s.Writes(mark));
        Assert.Contains(run.Errors, e => e.FullyQualifiedErrorId.StartsWith("SetK8sServiceAccountAutomountInvalidValue", StringComparison.Ordinal));

        var removed = _s.Run("Set-K8sServiceAccountAutomount -Namespace am-gamma -Name default -Value $null -PassThru -Confirm:$false");
        Assert.Empty(removed.AllErrors);
        Assert.Equal(("True", "not set", "Patched"), (Prop(removed.Output.Single(), "Previous"), Prop(removed.Output.Single(), "Current"), Prop(removed.Output.Single(), "Action")));
        Assert.False((await _s.DumpServiceAccountsAsync())["am-gamma/default"].ContainsKey("automountServiceAccountToken"));
    }

    [Fact]
    public async Task StoppingLeavesEachServiceAccountPatchedOrUntouched()
    {
        _s.Server.Faults.Add(FaultKind.Latency, "/api/v1/namespaces/", delay: TimeSpan.FromMilliseconds(400), method: "PATCH");
        var before = await _s.DumpServiceAccountsAsync();
        var mark = _s.Server.Requests.Count;
        using var ps = _s.Session.Create();
        ps.AddScript("Disable-K8sDefaultAutomount -AllNamespaces -ThrottleLimit 1 -Confirm:$false");
        var async = ps.BeginInvoke();
        for (var i = 0; i < 200 && !_s.Writes(mark).Any(); i++)
        {
            await Task.Delay(25);
        }
        await Task.Delay(100);
        var log = string.Join("\n", _s.Server.Requests.Snapshot().Select(r => $"{r.Method} {r.Path} {r.Status} {r.Fault}"));
        ps.Stop();
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(async));
        await Task.Delay(600); // let a PATCH already sent land
        _s.Server.Faults.Clear();
        var after = await _s.DumpServiceAccountsAsync();
        Assert.Empty(OtherDifferences(before, after));
        var patched = after.Count(kv => kv.Key.EndsWith("/default", StringComparison.Ordinal) && Automount(kv.Value) == false)
            - before.Count(kv => kv.Key.EndsWith("/default", StringComparison.Ordinal) && Automount(kv.Value) == false);
        var needing = before.Count(kv => kv.Key.EndsWith("/default", StringComparison.Ordinal) && Automount(kv.Value) != false);
        Assert.True(patched >= 1 && patched < needing, $"stopped part-way: {patched} of {needing} written\n{log}");
        // Every PATCH sent was carried out: none was cut off half-way by the stop.
        Assert.Equal(patched, _s.Writes(mark).Count(w => w.Status == 200));
        Assert.Equal(patched, _s.Writes(mark).Count);
    }

    [Fact]
    public void ProgressReportsTheReadsAndEachWriteThenCompletes()
    {
        var run = _s.Run("Disable-K8sDefaultAutomount -Namespace 'am-*' -Confirm:$false");
        Assert.Empty(run.AllErrors);
        Assert.Contains(run.Progress, p => p.Activity == "Reading" && p.RecordType == ProgressRecordType.Processing);
        Assert.Contains(run.Progress, p => p.Activity == "Reading" && p.RecordType == ProgressRecordType.Completed);
        // am-alpha, am-beta and am-gamma need the write; am-delta is already false.
        var writes = run.Progress.Where(p => p.Activity == "Writing automountServiceAccountToken" && p.RecordType == ProgressRecordType.Processing).ToList();
        Assert.Equal(3, writes.Count);
        Assert.Equal(new[] { 33, 66, 100 }, writes.Select(p => p.PercentComplete));
        Assert.All(writes, p => Assert.Contains(" of 3: am-", p.StatusDescription, StringComparison.Ordinal));
        Assert.Equal(ProgressRecordType.Completed, run.Progress.Last(p => p.Activity == "Writing automountServiceAccountToken").RecordType);
    }

    [Fact]
    public async Task DefaultThrottleKeepsEightWritesInFlightAndTheLimitIsHonoured()
    {
        var namespaces = Enumerable.Range(0, 12).Select(i => $"am-t{i:00}").ToList();
        foreach (var ns in namespaces)
        {
            await _s.NamespaceAsync(ns);
        }
        // Each PATCH is held long enough that the writes the runner starts together overlap on the server.
        _s.Server.Faults.Add(FaultKind.Latency, "/api/v1/namespaces/am-t", delay: TimeSpan.FromMilliseconds(400), method: "PATCH");

        int MostPatchesAtOnce(int since)
        {
            var spans = _s.Writes(since).Where(w => w.Method == "PATCH").Select(w => (Start: w.Time - w.Duration, End: w.Time)).ToList();
            return spans.Max(a => spans.Count(b => b.Start <= a.Start && a.Start < b.End));
        }

        var mark = _s.Server.Requests.Count;
        var run = _s.Run("Disable-K8sDefaultAutomount -Namespace 'am-t*' -Confirm:$false -PassThru");
        Assert.Empty(run.AllErrors);
        Assert.Equal(12, run.Output.Count(o => Prop(o, "Action") == "Patched"));
        Assert.Equal(8, MostPatchesAtOnce(mark));

        foreach (var ns in namespaces)
        {
            await _s.PatchServiceAccountAsync(ns, "default", new JsonObject { ["automountServiceAccountToken"] = null });
        }
        mark = _s.Server.Requests.Count;
        run = _s.Run("Disable-K8sDefaultAutomount -Namespace 'am-t*' -ThrottleLimit 3 -Confirm:$false -PassThru");
        Assert.Empty(run.AllErrors);
        Assert.Equal(12, run.Output.Count(o => Prop(o, "Action") == "Patched"));
        Assert.Equal(3, MostPatchesAtOnce(mark));
    }
}
