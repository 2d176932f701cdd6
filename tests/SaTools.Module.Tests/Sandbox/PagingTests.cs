using System.Management.Automation;
using KubeSandbox.Faults;

namespace SaTools.Module.Tests.Sandbox;

/// <summary>Called from the pipeline (<c>ForEach-Object { $probe.Seen($_) }</c>): runs an action at the first object.</summary>
public sealed class PipelineProbe(Action? atFirstObject = null)
{
    private int _count;

    public int Count => _count;

    public void Seen(object item)
    {
        if (Interlocked.Increment(ref _count) == 1) atFirstObject?.Invoke();
    }
}

/// <summary>
/// Paging, streaming, retries, expired continue tokens and Ctrl+C on a few thousand ServiceAccounts. These tests
/// change the sandbox's faults and clock, so they share one class (xunit runs a class's tests one at a time).
/// </summary>
public sealed class PagingTests(ScaleSandboxFixture fixture) : IClassFixture<ScaleSandboxFixture>
{
    private const string ListPath = "/api/v1/serviceaccounts";
    private const int PageSize = 500;

    private int ListRequests() => fixture.Sandbox.Requests.ForPath(ListPath).Count(r => r.Query.Contains("limit=", StringComparison.Ordinal));

    private static int ListUidsPages(int items) => (items + PageSize - 1) / PageSize;

    private List<string> ListUids(ModuleSession session, PipelineProbe? probe = null) =>
        session.Run("param($kc, $probe) Get-K8sServiceAccount -Kubeconfig $kc -AllNamespaces | ForEach-Object { if ($probe) { $probe.Seen($_) }; $_.Uid }",
            fixture.Kubeconfig, probe).Select(o => o.ToString()).ToList();

    [Fact]
    public async Task StreamsWithTheMinimumNumberOfRequests()
    {
        var expected = await fixture.ServiceAccountsAsync();
        Assert.True(expected.Count > 2 * PageSize, "the scale fixture must span several pages");
        using var session = new ModuleSession();
        var before = ListRequests();
        var beforeAny = fixture.Sandbox.Requests.Count;
        // At the first object, how many pages had been asked for: the first, and at most the one the pager reads
        // ahead while the caller works through the first. Had the whole list been read before the first object
        // reached the pipeline, this would be every page.
        var askedAtFirstObject = -1;
        var probe = new PipelineProbe(() => askedAtFirstObject = ListRequests() - before);
        var uids = ListUids(session, probe);
        var pages = (expected.Count + PageSize - 1) / PageSize;
        Assert.Equal(expected.Select(e => e.Uid).OrderBy(u => u), uids.OrderBy(u => u));
        Assert.Equal(pages, ListRequests() - before);
        // And nothing else: no discovery, /version or namespace list on the way (the sandbox serves only this
        // test class, one test at a time).
        Assert.Equal(pages, fixture.Sandbox.Requests.Count - beforeAny);
        Assert.InRange(askedAtFirstObject, 1, 2);
    }

    [Fact]
    public async Task ALabelSelectorListIsReadOverEveryPageWithoutARemainingCount()
    {
        // A real API server leaves remainingItemCount out of every list with a label or field selector (etcd3
        // store.go GetList sets it only for an empty predicate), and so does the sandbox: a pager that went by the
        // count would stop after the first page here and cut the list short without a word.
        const string Label = "paging.satools.test/picked";
        var all = await fixture.ServiceAccountsAsync();
        var picked = all.Where((_, i) => i % 7 == 0).ToList();
        var pages = (picked.Count + PageSize - 1) / PageSize;
        Assert.True(pages >= 3, $"{picked.Count} picked ServiceAccounts make {pages} pages");
        foreach (var (ns, name, _) in picked)
        {
            fixture.Sandbox.Store.Mutate("serviceaccounts", ns, name, o => o["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { [Label] = "yes" });
        }
        try
        {
            using var session = new ModuleSession();
            var before = fixture.Sandbox.Requests.ForPath(ListPath).Count;
            var uids = session.Run($"Get-K8sServiceAccount -Kubeconfig $args[0] -AllNamespaces -LabelSelector '{Label}=yes' | ForEach-Object Uid", fixture.Kubeconfig)
                .Select(o => o.ToString()).ToList();
            var requests = fixture.Sandbox.Requests.ForPath(ListPath).Skip(before).ToList();
            Assert.Equal(picked.Select(p => p.Uid).OrderBy(u => u), uids.OrderBy(u => u));
            Assert.Equal(pages, requests.Count);
            Assert.All(requests, r => Assert.Contains("labelSelector=", r.Query, StringComparison.Ordinal));
            Assert.Equal(pages - 1, requests.Count(r => r.Query.Contains("continue=", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var (ns, name, _) in picked)
            {
                fixture.Sandbox.Store.Mutate("serviceaccounts", ns, name, o => o["metadata"]!.AsObject().Remove("labels"));
            }
        }
    }

    [Fact]
    public void ProgressIsWrittenWhileListing()
    {
        using var session = new ModuleSession();
        var result = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -AllNamespaces | ForEach-Object Uid", fixture.Kubeconfig);
        var progress = result.Progress.Where(p => p.Activity == "Listing ServiceAccounts").ToList();
        Assert.True(progress.Count >= 3, $"{progress.Count} progress records");
        Assert.Equal(ProgressRecordType.Completed, progress[^1].RecordType);
    }

    [Fact]
    public async Task AnExpiredContinueTokenRestartsTheListWithoutDuplicates()
    {
        var expected = (await fixture.ServiceAccountsAsync()).Select(e => e.Uid).OrderBy(u => u).ToList();
        using var session = new ModuleSession();
        var expiredBefore = fixture.Sandbox.Requests.ForPath(ListPath).Count(r => r.Status == 410);
        // After the first page, the sandbox's clock jumps past the continue token's lifetime (etcd compaction).
        var probe = new PipelineProbe(() => fixture.Sandbox.Clock.Advance(TimeSpan.FromMinutes(30)));
        var uids = ListUids(session, probe);
        Assert.Equal(expiredBefore + 1, fixture.Sandbox.Requests.ForPath(ListPath).Count(r => r.Status == 410));
        Assert.Equal(expected.Count, uids.Count); // no object twice
        Assert.Equal(expected, uids.OrderBy(u => u));
    }

    [Fact]
    public void RetriedFaultsGiveTheSameOutputAsAFaultFreeRun()
    {
        using var session = new ModuleSession();
        var clean = ListUids(session);
        var rules = new[]
        {
            fixture.Sandbox.Faults.Add(FaultKind.TooManyRequests, ListPath, times: 2, retryAfterSeconds: 1),
            fixture.Sandbox.Faults.Add(FaultKind.InternalError, ListPath, times: 1),
            fixture.Sandbox.Faults.Add(FaultKind.ServiceUnavailable, ListPath, times: 1),
            fixture.Sandbox.Faults.Add(FaultKind.ConnectionReset, ListPath, times: 2),
        };
        try
        {
            var result = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -AllNamespaces -Verbose | ForEach-Object Uid", fixture.Kubeconfig);
            Assert.Null(result.Terminating);
            Assert.Empty(result.Errors);
            Assert.Equal(clean, result.Output.Select(o => o.ToString()));
            Assert.All(rules, r => Assert.Equal(r.Times, fixture.Sandbox.Faults.FiredCount(r)));
            // Each failed attempt is in the request log: more attempts than pages, a 429 among them.
            Assert.Contains(result.Verbose, v => v.Contains(" 429 (", StringComparison.Ordinal));
            Assert.True(result.Verbose.Count(v => v.StartsWith("GET " + ListPath, StringComparison.Ordinal)) > ListUidsPages(clean.Count));
        }
        finally
        {
            foreach (var r in rules) fixture.Sandbox.Faults.Remove(r);
        }
    }

    [Fact]
    public void PersistentThrottlingEndsInResourceUnavailable()
    {
        using var session = new ModuleSession();
        // Retry-After: 0 keeps the eleven attempts quick.
        var rule = fixture.Sandbox.Faults.Add(FaultKind.TooManyRequests, ListPath, retryAfterSeconds: 0);
        try
        {
            var result = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -AllNamespaces", fixture.Kubeconfig);
            var error = result.AllErrors.Single();
            Assert.Equal("GetK8sServiceAccountServerUnavailable,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
            Assert.Equal(11, fixture.Sandbox.Faults.FiredCount(rule)); // the first try and ten retries
        }
        finally
        {
            fixture.Sandbox.Faults.Remove(rule);
        }
    }

    [Fact]
    public async Task StopMidListingReturnsPromptly()
    {
        var total = (await fixture.ServiceAccountsAsync()).Count;
        using var session = new ModuleSession();
        FaultRule? hang = null;
        // Once objects flow, every further page takes a minute to come.
        var probe = new PipelineProbe(() => hang = fixture.Sandbox.Faults.Add(FaultKind.Latency, ListPath, delay: TimeSpan.FromMinutes(1)));
        try
        {
            using var ps = session.Create();
            ps.AddScript("param($kc, $probe) Get-K8sServiceAccount -Kubeconfig $kc -AllNamespaces | ForEach-Object { $probe.Seen($_); $_ }")
              .AddArgument(fixture.Kubeconfig).AddArgument(probe);
            var output = new PSDataCollection<PSObject>();
            var running = ps.BeginInvoke<PSObject, PSObject>(null, output);
            var firstPageDone = SpinWait.SpinUntil(() => hang is not null && probe.Count >= PageSize, TimeSpan.FromSeconds(30));
            Assert.True(firstPageDone, "the first page never arrived");

            var stop = ps.StopAsync(null, null);
            // The hung page would answer after a minute; stopping must not wait for it.
            Assert.True(stop.Wait(TimeSpan.FromSeconds(10)), "StopAsync did not return");
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            Assert.True(running.IsCompleted);
            Assert.InRange(output.Count, PageSize, total - 1);
        }
        finally
        {
            if (hang is not null) fixture.Sandbox.Faults.Remove(hang);
        }
    }
}
