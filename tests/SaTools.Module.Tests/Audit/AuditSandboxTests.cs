using System.Management.Automation;
using System.Text.Json.Nodes;
using KubeSandbox.Scenarios;
using SaTools.Module.Tests.Tokens;

namespace SaTools.Module.Tests.Audit;

/// <summary>
/// Invoke-K8sServiceAccountAudit against the held-out <c>audit</c> scenario: every check reports exactly the
/// planted violations (<see cref="AuditScenario.Expected"/>) and none of the near misses beside them; the lists
/// are read once each and nothing else is asked; no planted cloud secret value appears anywhere.
/// </summary>
public sealed class AuditSandboxTests : IClassFixture<AuditSandbox>
{
    private readonly AuditSandbox _s;

    public AuditSandboxTests(AuditSandbox sandbox) => _s = sandbox;

    private static string Key(string checkId, string kind, string ns, string name, string sa, string severity) =>
        $"{checkId}|{kind}|{ns}|{name}|{sa}|{severity}";

    private static string KeyOf(PSObject o) => Key(P(o, "CheckId"), P(o, "Kind"), P(o, "Namespace"), P(o, "Name"), P(o, "ServiceAccount"), P(o, "Severity"));

    private static string P(PSObject o, string name) => o.Properties[name]?.Value?.ToString() ?? "";

    private static IEnumerable<string> ExpectedKeys(Func<AuditScenario.Finding, bool>? where = null) =>
        AuditScenario.Expected.Where(where ?? (_ => true)).Select(f => Key(f.CheckId, f.Kind, f.Namespace, f.Name, f.ServiceAccount, f.Severity)).OrderBy(k => k, StringComparer.Ordinal);

    private static bool IsAuditObject(PSObject o) =>
        P(o, "Namespace").StartsWith("audit-", StringComparison.Ordinal) || P(o, "Name").StartsWith("audit-", StringComparison.Ordinal);

    [Fact]
    public void AllNamespaces_ReportsExactlyThePlantedViolations()
    {
        var r = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -AllNamespaces");
        Assert.Null(r.Terminating);
        Assert.Empty(r.Errors);
        var found = r.Output.Where(IsAuditObject).Select(KeyOf).OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.Equal(ExpectedKeys(), found);
        // Each check is one row per failing object: no duplicates anywhere in the output.
        Assert.Equal(r.Output.Count, r.Output.Select(KeyOf).Distinct().Count());
        // The bootstrap namespaces' default ServiceAccounts automount too (a fresh cluster fails SA01).
        Assert.Contains(r.Output, o => P(o, "CheckId") == "SA01" && P(o, "Namespace") == "kube-system");
        // The default bindings of a new cluster are not SA12, nor a copy of one.
        Assert.DoesNotContain(r.Output, o => P(o, "CheckId") == "SA12" && (P(o, "Name").StartsWith("system:", StringComparison.Ordinal) || P(o, "Name") == "audit-copy-of-discovery"));
    }

    [Fact]
    public void NamespacePattern_KeepsItsNamespacesAndTheBindingsThatConcernEveryone()
    {
        var r = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -Namespace 'audit-*'");
        Assert.Null(r.Terminating);
        Assert.Equal(ExpectedKeys(), r.Output.Select(KeyOf).OrderBy(k => k, StringComparer.Ordinal));

        // One namespace: its own findings, the ClusterRoleBinding naming a missing ServiceAccount of it (SA11), and
        // the cluster-wide group bindings (SA12), but not the other audit-* namespaces' findings.
        var rbac = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -Namespace audit-rbac").Output.Select(KeyOf).OrderBy(k => k, StringComparer.Ordinal);
        Assert.Equal(ExpectedKeys(f => f.Namespace == "audit-rbac" || f.Name is "audit-ghost-crb" or "audit-unauth-status" or "audit-authenticated-future"), rbac);
    }

    [Fact]
    public void Findings_CarryEvidenceRemediationAndTheWorkloadForSa02()
    {
        var output = _s.Session.Run("Invoke-K8sServiceAccountAudit -Namespace audit-apps -Check SA02, SA05");
        Assert.Equal(ExpectedKeys(f => f.CheckId is "SA02" or "SA05" && f.Namespace == "audit-apps"), output.Select(KeyOf).OrderBy(k => k, StringComparer.Ordinal));
        var landing = output.Single(o => P(o, "Name") == "landing-9d8c7b6a5f-h3j6n");
        Assert.Equal("Deployment", P(landing, "WorkloadKind"));
        Assert.Equal("landing", P(landing, "WorkloadName"));
        Assert.Contains("kubectl patch deployment landing -n audit-apps", P(landing, "Remediation"));
        var bare = output.Single(o => P(o, "Name") == "bare-report" && P(o, "CheckId") == "SA02");
        Assert.Equal("", P(bare, "WorkloadKind"));
        var shared = output.Single(o => P(o, "CheckId") == "SA05");
        Assert.Contains("Deployment/api", P(shared, "Message"));
        Assert.Contains("StatefulSet/worker", P(shared, "Message"));
        Assert.All(output, o => Assert.Equal("sandbox", P(o, "Context")));
        Assert.All(output, o => Assert.True(int.Parse(P(o, "Evaluated")) > 0));

        var sa06 = _s.Session.Run("Invoke-K8sServiceAccountAudit -Namespace audit-risky -Check SA06");
        Assert.Contains("ClusterRoleBinding audit-deployer-admin", P(sa06.Single(o => P(o, "Name") == "deployer"), "Message"));
        var sa07 = _s.Session.Run("Invoke-K8sServiceAccountAudit -Namespace audit-legacy -Check SA07");
        Assert.Contains("in use (mounted by token-user)", P(sa07.Single(o => P(o, "Name") == "in-use-token"), "Message"));
        Assert.Contains("invalidated", P(sa07.Single(o => P(o, "Name") == "invalid-token"), "Message"));
        Assert.Contains("unused", P(sa07.Single(o => P(o, "Name") == "old-unused-token"), "Message"));
    }

    [Fact]
    public void Sa02Findings_PipeIntoDisableK8sWorkloadAutomount_WhichTargetsTheWorkload()
    {
        var rows = _s.Session.Run("Invoke-K8sServiceAccountAudit -Namespace audit-apps -Check SA02 | Disable-K8sWorkloadAutomount -WhatIf -PassThru");
        var landing = rows.Single(r => P(r, "Name") == "landing");
        Assert.Equal("Deployment", P(landing, "Kind"));
        Assert.Equal("WouldPatch", P(landing, "Action"));
        // Bare pods cannot be changed: they are said to be so, not patched.
        Assert.Equal("BarePodImmutable", P(rows.Single(r => P(r, "Name") == "static-site"), "Reason"));
    }

    [Fact]
    public void ReadsEachListOnceAndNothingElse()
    {
        _s.Server.Requests.Clear();
        var r = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -AllNamespaces");
        Assert.Null(r.Terminating);
        var requests = _s.Server.Requests.Snapshot();
        Assert.All(requests, q => Assert.Equal("GET", q.Method));
        var paths = requests.Select(q => q.Path).OrderBy(p => p, StringComparer.Ordinal).ToList();
        Assert.Equal(new[]
        {
            "/api/v1/namespaces", "/api/v1/pods", "/api/v1/secrets", "/api/v1/serviceaccounts",
            "/apis/apps/v1/replicasets", "/apis/batch/v1/jobs",
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            "/apis/rbac.authorization.k8s.io/v1/rolebindings", "/apis/rbac.authorization.k8s.io/v1/roles",
        }, paths);
    }

    [Fact]
    public void NoPlantedSecretValueAppearsInOutputStreamsViewsOrTheReport()
    {
        var report = Path.Combine(_s.Directory, "scan.html");
        var capture = SecretScanner.Run(_s.Session,
            "$f = Invoke-K8sServiceAccountAudit -AllNamespaces -Verbose -Debug; $f; $f | Export-K8sAuditReport -Path $args[0] -Force -Verbose",
            report);
        Assert.Empty(capture.Errors);
        Assert.Contains(capture.Output, o => P(o, "CheckId") == "SA09");
        var html = File.ReadAllText(report);
        foreach (var value in AuditScenario.PlantedSecretValues)
        {
            SecretScanner.AssertNoToken(capture, value);
            Assert.DoesNotContain(value, html, StringComparison.Ordinal);
        }
        // The evidence names the key and the kind of credential.
        var aws = capture.Output.Single(o => P(o, "Name") == "aws-creds");
        Assert.Contains("AWS_ACCESS_KEY_ID", P(aws, "Message"));
    }

    [Fact]
    public async Task InputFile_AuditsExportedStateAsTheLiveClusterIsAudited()
    {
        // What `kubectl get namespaces,serviceaccounts,pods,secrets,replicasets,jobs,roles,rolebindings,clusterroles,clusterrolebindings -A -o json` gives.
        using var admin = _s.Server.CreateClient();
        var items = new JsonArray();
        foreach (var (path, kind, apiVersion) in new[]
        {
            ("/api/v1/namespaces", "Namespace", "v1"), ("/api/v1/serviceaccounts", "ServiceAccount", "v1"), ("/api/v1/pods", "Pod", "v1"),
            ("/api/v1/secrets", "Secret", "v1"), ("/apis/apps/v1/replicasets", "ReplicaSet", "apps/v1"), ("/apis/batch/v1/jobs", "Job", "batch/v1"),
            ("/apis/rbac.authorization.k8s.io/v1/roles", "Role", "rbac.authorization.k8s.io/v1"),
            ("/apis/rbac.authorization.k8s.io/v1/rolebindings", "RoleBinding", "rbac.authorization.k8s.io/v1"),
            ("/apis/rbac.authorization.k8s.io/v1/clusterroles", "ClusterRole", "rbac.authorization.k8s.io/v1"),
            ("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
        })
        {
            var list = JsonNode.Parse(await admin.GetStringAsync(path))!;
            foreach (var item in list["items"]!.AsArray().OfType<JsonObject>())
            {
                var copy = (JsonObject)item.DeepClone();
                copy["kind"] = kind;
                copy["apiVersion"] = apiVersion;
                items.Add(copy);
            }
        }
        var file = Path.Combine(_s.Directory, "cluster.json");
        File.WriteAllText(file, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = items }.ToJsonString());

        _s.Server.Requests.Clear();
        var offline = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -InputFile $args[0]", file);
        Assert.Null(offline.Terminating);
        Assert.Equal(0, _s.Server.Requests.Count);
        var live = _s.Session.Run("Invoke-K8sServiceAccountAudit -AllNamespaces").Select(KeyOf).OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.Equal(live, offline.Output.Select(KeyOf).OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(offline.Output, o => Assert.Equal("file:cluster.json", P(o, "Context")));
    }

    [Fact]
    public void FailOn_WritesEveryFindingThenATerminatingError()
    {
        var r = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -Namespace audit-risky -FailOn High");
        Assert.NotNull(r.Terminating);
        Assert.Equal("InvokeK8sServiceAccountAuditFailOnThreshold,SaTools.Commands.InvokeK8sServiceAccountAuditCommand", r.Terminating!.FullyQualifiedErrorId);
        Assert.Contains("Critical", r.Terminating.Exception.Message);

        // Every finding reached the pipeline before the error: the 2 of audit-risky (SA06) and the 2 cluster-wide SA12.
        var delivered = _s.Session.Run("""
            $seen = [System.Collections.Generic.List[object]]::new()
            try { Invoke-K8sServiceAccountAudit -Namespace audit-risky -FailOn High | ForEach-Object { $seen.Add($_) } } catch { }
            $seen.Count
            """);
        Assert.Equal(ExpectedKeys(f => f.Namespace == "audit-risky" || f.Name is "audit-unauth-status" or "audit-authenticated-future").Count(), (int)delivered.Single().BaseObject);

        // audit-apps has nothing Critical (its worst are the cluster-wide High SA12): no error at Critical.
        var below = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -Namespace audit-apps -FailOn Critical");
        Assert.Null(below.Terminating);
        Assert.NotEmpty(below.Output);
    }

    [Fact]
    public void BadInput_IsASpecificErrorBeforeAnyRequest()
    {
        _s.Server.Requests.Clear();
        var missing = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -AllNamespaces -Baseline $args[0]", Path.Combine(_s.Directory, "nope.csv"));
        Assert.Equal("InvokeK8sServiceAccountAuditBaselineNotFound,SaTools.Commands.InvokeK8sServiceAccountAuditCommand", missing.Terminating?.FullyQualifiedErrorId);
        var notAudit = Path.Combine(_s.Directory, "other.csv");
        File.WriteAllText(notAudit, "\"Namespace\",\"Name\"\n\"a\",\"b\"\n");
        var invalid = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -AllNamespaces -Baseline $args[0]", notAudit);
        Assert.Equal("InvokeK8sServiceAccountAuditBaselineInvalid,SaTools.Commands.InvokeK8sServiceAccountAuditCommand", invalid.Terminating?.FullyQualifiedErrorId);
        var badCheck = _s.Session.RunCapturing("Invoke-K8sServiceAccountAudit -AllNamespaces -Check SA13");
        Assert.Contains("ParameterArgumentValidationError", badCheck.Terminating?.FullyQualifiedErrorId);
        Assert.Equal(0, _s.Server.Requests.Count);
    }
}
