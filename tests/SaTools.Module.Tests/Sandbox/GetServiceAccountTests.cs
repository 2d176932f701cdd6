using System.Management.Automation;

namespace SaTools.Module.Tests.Sandbox;

/// <summary>Test data in the demo sandbox: two namespaces with a few labelled ServiceAccounts.</summary>
public sealed class ServiceAccountSandboxFixture : SandboxFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var ns in new[] { "satools-a", "satools-b", "restricted" })
            await CreateAsync("/api/v1/namespaces", $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
        await CreateAsync("/api/v1/namespaces/satools-a/serviceaccounts", """
            {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"web","labels":{"app":"web","tier":"front"},
             "annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/web","azure.workload.identity/client-id":"11111111-2222-3333-4444-555555555555"}},
             "automountServiceAccountToken":false,"secrets":[{"name":"web-token-a"},{"name":"web-token-b"}],"imagePullSecrets":[{"name":"registry"}]}
            """);
        await CreateAsync("/api/v1/namespaces/satools-a/serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"worker","labels":{"app":"worker"}},"automountServiceAccountToken":true}""");
        await CreateAsync("/api/v1/namespaces/satools-b/serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"web","labels":{"app":"web"}}}""");
        await CreateAsync("/api/v1/namespaces/restricted/serviceaccounts", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"hidden"}}""");
        foreach (var ns in new[] { "satools-a", "satools-b", "restricted" }) await WaitForDefaultServiceAccountAsync(ns);
    }
}

public sealed class GetServiceAccountTests(ServiceAccountSandboxFixture fixture) : IClassFixture<ServiceAccountSandboxFixture>
{
    private static string Key(PSObject o) => $"{o.Properties["Namespace"].Value}/{o.Properties["Name"].Value}";

    [Fact]
    public async Task AllNamespacesReturnsEveryServiceAccountOnce()
    {
        using var session = new ModuleSession();
        var output = session.Run("Get-K8sServiceAccount -Kubeconfig $args[0] -AllNamespaces", fixture.Kubeconfig);
        var expected = (await fixture.ServiceAccountsAsync()).Select(s => s.Uid).OrderBy(u => u).ToList();
        Assert.Equal(expected, output.Select(o => (string)o.Properties["Uid"].Value).OrderBy(u => u).ToList());
        Assert.All(output, o => Assert.Equal("sandbox", o.Properties["Context"].Value));
    }

    [Fact]
    public void OneObjectCarriesEveryProperty()
    {
        using var session = new ModuleSession();
        var web = session.Run("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace satools-a -Name web", fixture.Kubeconfig).Single();
        Assert.Equal("SaTools.Output.ServiceAccountInfo", web.BaseObject.GetType().FullName);
        var p = web.Properties;
        Assert.Equal("sandbox", p["Context"].Value);
        Assert.Equal("satools-a", p["Namespace"].Value);
        Assert.Equal("web", p["Name"].Value);
        Assert.False(string.IsNullOrEmpty((string?)p["Uid"].Value));
        Assert.IsType<DateTime>(p["Created"].Value);
        Assert.False(string.IsNullOrEmpty((string?)p["Age"].Value));
        Assert.Equal(false, p["IsDefault"].Value);
        Assert.Equal("false", p["AutomountServiceAccountToken"].Value);
        Assert.Equal(false, p["AutomountEffective"].Value);
        Assert.Equal(2, p["SecretCount"].Value);
        Assert.Equal("web-token-a; web-token-b", p["Secrets"].Value.ToString());
        Assert.Equal("registry", p["ImagePullSecrets"].Value.ToString());
        Assert.Equal("AKS:11111111-2222-3333-4444-555555555555; EKS:arn:aws:iam::111122223333:role/web", p["WorkloadIdentity"].Value.ToString());
        Assert.Equal("AKS; EKS", p["WorkloadIdentityProvider"].Value.ToString());
        Assert.Equal("app=web; tier=front", p["Labels"].Value.ToString());
        Assert.Contains("eks.amazonaws.com/role-arn=arn:aws:iam::111122223333:role/web", p["Annotations"].Value.ToString());

        // Still a list and a dictionary in PowerShell.
        Assert.Equal(true, session.Run("param($x) $x.Secrets -contains 'web-token-b'", web).Single().BaseObject);
        Assert.Equal("web", session.Run("param($x) $x.Labels.app", web).Single().BaseObject);
    }

    [Fact]
    public void DefaultAndUnsetAutomount()
    {
        using var session = new ModuleSession();
        var d = session.Run("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace satools-b -Name default", fixture.Kubeconfig).Single();
        Assert.Equal(true, d.Properties["IsDefault"].Value);
        Assert.Equal("not set", d.Properties["AutomountServiceAccountToken"].Value);
        Assert.Equal(true, d.Properties["AutomountEffective"].Value);
        Assert.Equal(0, d.Properties["SecretCount"].Value);
        // $false/$true comparisons work on the text form.
        Assert.Single(session.Run("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace satools-a | Where-Object AutomountServiceAccountToken -eq $false", fixture.Kubeconfig));
    }

    [Fact]
    public void EveryPropertyIsCsvFriendly()
    {
        using var session = new ModuleSession();
        // Export-Csv writes each property's ToString() (Microsoft.PowerShell.Utility is not in a hosted SMA;
        // the Pester suite runs Export-Csv itself).
        var cells = session.Run("""
            Get-K8sServiceAccount -Kubeconfig $args[0] -AllNamespaces |
                ForEach-Object { foreach ($p in $_.PSObject.Properties) { if ($null -ne $p.Value) { "$($p.Name)=$($p.Value.ToString())" } } }
            """, fixture.Kubeconfig).Select(o => o.ToString()).ToList();
        Assert.NotEmpty(cells);
        Assert.DoesNotContain(cells, c => c.Contains("System.", StringComparison.Ordinal));
    }

    [Fact]
    public void WildcardsAndLabelSelector()
    {
        using var session = new ModuleSession();
        var byNamespace = session.Run("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace 'satools-*' -Name 'w*'", fixture.Kubeconfig).Select(Key).OrderBy(k => k);
        Assert.Equal(new[] { "satools-a/web", "satools-a/worker", "satools-b/web" }, byNamespace);

        var byLabel = session.Run("Get-K8sServiceAccount -Kubeconfig $args[0] -AllNamespaces -LabelSelector 'app=web'", fixture.Kubeconfig).Select(Key).OrderBy(k => k);
        Assert.Equal(new[] { "satools-a/web", "satools-b/web" }, byLabel);

        var several = session.Run("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace satools-a, satools-b -Name web", fixture.Kubeconfig).Select(Key).OrderBy(k => k);
        Assert.Equal(new[] { "satools-a/web", "satools-b/web" }, several);
    }

    [Fact]
    public void NamespaceAndNameBindFromThePipelineByPropertyName()
    {
        using var session = new ModuleSession();
        var output = session.Run("""
            $rows = @([pscustomobject]@{ Namespace = 'satools-a'; Name = 'worker' }, [pscustomobject]@{ Namespace = 'satools-b'; Name = 'web' })
            $rows | Get-K8sServiceAccount -Kubeconfig $args[0]
            """, fixture.Kubeconfig).Select(Key);
        Assert.Equal(new[] { "satools-a/worker", "satools-b/web" }, output);

        // Its own output pipes back in.
        var again = session.Run("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace satools-a | Get-K8sServiceAccount -Kubeconfig $args[0]", fixture.Kubeconfig).Select(Key).OrderBy(k => k);
        Assert.Equal(new[] { "satools-a/default", "satools-a/web", "satools-a/worker" }, again);
    }

    [Fact]
    public void AMissingNameIsNonTerminatingObjectNotFound()
    {
        using var session = new ModuleSession();
        var result = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -Namespace satools-a -Name nope, web", fixture.Kubeconfig);
        Assert.Null(result.Terminating);
        Assert.Equal(new[] { "satools-a/web" }, result.Output.Select(Key));
        var error = Assert.Single(result.Errors);
        Assert.Equal("GetK8sServiceAccountNotFound,SaTools.Commands.GetK8sServiceAccountCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("satools-a/nope", error.TargetObject);
    }

    [Fact]
    public void WithoutNamespaceTheContextsNamespaceIsUsed()
    {
        using var session = new ModuleSession();
        var kubeconfig = fixture.Sandbox.WriteKubeconfig(Path.Combine(fixture.Directory, "ns-b.yaml"), @namespace: "satools-b");
        var output = session.Run("Get-K8sServiceAccount -Kubeconfig $args[0]", kubeconfig).Select(Key).OrderBy(k => k);
        Assert.Equal(new[] { "satools-b/default", "satools-b/web" }, output);
    }

    [Fact]
    public void VerboseShowsEachRequestAndNeverTheToken()
    {
        using var session = new ModuleSession();
        var result = session.RunCapturing("Get-K8sServiceAccount -Kubeconfig $args[0] -AllNamespaces -Verbose", fixture.Kubeconfig);
        Assert.Contains(result.Verbose, v => v.StartsWith("GET /api/v1/serviceaccounts?limit=500", StringComparison.Ordinal) && v.Contains(" 200 (", StringComparison.Ordinal));
        var everything = string.Join("\n", result.Verbose.Concat(result.Debug).Concat(result.Warnings));
        Assert.DoesNotContain(fixture.Sandbox.AdminToken, everything);
    }

    [Fact]
    public void ConnectSetsTheSessionDefault()
    {
        using var session = new ModuleSession();
        var other = fixture.Sandbox.WriteKubeconfig(Path.Combine(fixture.Directory, "other.yaml"), contextName: "other-name");
        var connection = session.Run("Connect-K8sCluster -Kubeconfig $args[0]", other).Single();
        Assert.Equal("other-name", connection.Properties["Context"].Value);
        Assert.Equal(fixture.Sandbox.Url, connection.Properties["Server"].Value);
        Assert.Equal("other-name", connection.Properties["User"].Value);
        Assert.Equal("default", connection.Properties["Namespace"].Value);
        Assert.False(string.IsNullOrEmpty((string?)connection.Properties["ServerVersion"].Value));

        // No connection parameter: the session default. -Kubeconfig: that one.
        Assert.All(session.Run("Get-K8sServiceAccount -Namespace satools-a"), o => Assert.Equal("other-name", o.Properties["Context"].Value));
        Assert.All(session.Run("Get-K8sServiceAccount -Namespace satools-a -Kubeconfig $args[0]", fixture.Kubeconfig), o => Assert.Equal("sandbox", o.Properties["Context"].Value));
        // -Connection picks a held connection.
        Assert.All(session.Run("param($c) Get-K8sServiceAccount -Namespace satools-a -Connection $c", connection), o => Assert.Equal("other-name", o.Properties["Context"].Value));
    }

    [Fact]
    public void ConnectNamespaceBecomesTheDefaultNamespace()
    {
        using var session = new ModuleSession();
        var connection = session.Run("Connect-K8sCluster -Kubeconfig $args[0] -Namespace satools-a", fixture.Kubeconfig).Single();
        Assert.Equal("satools-a", connection.Properties["Namespace"].Value);
        var output = session.Run("Get-K8sServiceAccount").Select(Key).OrderBy(k => k);
        Assert.Equal(new[] { "satools-a/default", "satools-a/web", "satools-a/worker" }, output);
    }

    [Fact]
    public void NamespaceAndContextCompletion()
    {
        using var session = new ModuleSession();
        // The first query of a fresh process (a TLS handshake, the client's first JIT) may outlast the two seconds a Tab
        // waits on a loaded machine; its answer then completes the next Tab (AnAnswerThatComesAfterTheTabsWaitCompletesTheNextTab).
        string[] namespaces = [];
        SpinWait.SpinUntil(() => (namespaces = session.Run("""
            param($kc)
            $line = "Get-K8sServiceAccount -Kubeconfig '$kc' -Namespace satools-"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
            """, fixture.Kubeconfig).Select(o => o.ToString()).ToArray()).Length > 0, TimeSpan.FromSeconds(15));
        Assert.Equal(new[] { "satools-a", "satools-b" }, namespaces);

        var contexts = session.Run("""
            param($kc)
            $line = "Get-K8sServiceAccount -Kubeconfig '$kc' -Context "
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
            """, fixture.Kubeconfig).Select(o => o.ToString());
        Assert.Equal(new[] { "sandbox" }, contexts);

        // Silent on failure: an unreachable cluster completes nothing and writes no error.
        var result = session.RunCapturing("""
            $line = "Get-K8sServiceAccount -Kubeconfig '/nonexistent/kubeconfig' -Namespace x"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.Count
            """);
        Assert.Equal(0, result.Output.Single().BaseObject);
        Assert.Empty(result.AllErrors);
    }

    [Fact]
    public void AnAnswerThatComesAfterTheTabsWaitCompletesTheNextTab()
    {
        // The namespace list takes 3 s, longer than the 2 s a Tab waits: the first Tab completes nothing, the query goes
        // on, and a later Tab completes from its answer without asking the cluster again. (Before, each Tab gave up
        // its query after 2 s and the next one started another.) A kubeconfig of its own keeps the cache cold.
        var kubeconfig = Path.Combine(Path.GetDirectoryName(fixture.Kubeconfig)!, $"slow-tab-{Guid.NewGuid():N}.yaml");
        File.Copy(fixture.Kubeconfig, kubeconfig);
        var since = fixture.Sandbox.Requests.Snapshot().Count;
        var slow = fixture.Sandbox.Faults.Add(KubeSandbox.Faults.FaultKind.Latency, "/api/v1/namespaces", times: 1, delay: TimeSpan.FromSeconds(3));
        try
        {
            using var session = new ModuleSession();
            string[] Tab() => session.Run("""
                param($kc)
                $line = "Get-K8sServiceAccount -Kubeconfig '$kc' -Namespace satools-"
                (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText
                """, kubeconfig).Select(o => o.ToString()).ToArray();
            // A request the client gave up on is not logged (the sandbox stops when its caller goes): the one logged is
            // the slow one when its answer was waited for, a second, quick one when it was not.
            string[] NamespaceLists() => fixture.Sandbox.Requests.Snapshot().Skip(since)
                .Where(r => r.Verb == "list" && r.Path == "/api/v1/namespaces").Select(r => r.Fault ?? "none").ToArray();

            Assert.Empty(Tab());

            string[] later = [];
            Assert.True(SpinWait.SpinUntil(() => (later = Tab()).Length > 0, TimeSpan.FromSeconds(15)), "no Tab completed within 15 s");
            Assert.Equal(["satools-a", "satools-b"], later);
            Assert.Equal(["latency"], NamespaceLists());
        }
        finally
        {
            fixture.Sandbox.Faults.Remove(slow);
        }
    }
}
