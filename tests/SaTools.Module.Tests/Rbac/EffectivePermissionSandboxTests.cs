using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeSandbox;
using SaTools.Tests.Rbac;
using Xunit.Abstractions;
using RbacText = SaTools.Tests.Rbac.Rbac;

namespace SaTools.Module.Tests.Rbac;

/// <summary>
/// Get-K8sEffectivePermission against the sandbox, whose RBAC authorizer was written independently of the engine:
/// the request/rule table through -Verify (SubjectAccessReview), kubectl's own <c>auth can-i --list</c>, and the
/// bootstrap policy's grants. Compiled only once the sandbox server is in the tree (see the csproj).
/// </summary>
public sealed partial class EffectivePermissionSandboxTests
{
    private readonly ITestOutputHelper _output;

    public EffectivePermissionSandboxTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task TheRequestTableAgreesWithTheSandboxAuthorizer()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty" });
        using var admin = sandbox.CreateClient();
        using var dir = new TempDirectory();
        var kubeconfig = sandbox.WriteKubeconfig(Path.Combine(dir.Path, "admin.kubeconfig"));
        foreach (var ns in new[] { RbacCases.Ns, RbacCases.Other })
        {
            await Create(admin, $"apiVersion: v1\nkind: Namespace\nmetadata: {{name: \"{ns}\"}}\n");
        }

        using var session = new ModuleSession();
        var verified = 0;
        var refused = new List<string>();
        var failures = new List<string>();
        foreach (var c in RbacCases.All)
        {
            var created = new List<string>();
            try
            {
                var rejected = false;
                foreach (var doc in c.Manifests.Split("---\n", StringSplitOptions.RemoveEmptyEntries))
                {
                    var (status, url, text) = await Create(admin, doc);
                    if (status == HttpStatusCode.UnprocessableEntity)
                    {
                        // A real API server refuses these objects too (pkg/apis/rbac/validation): only the offline
                        // table can hold them.
                        rejected = true;
                        refused.Add($"{c.Id}: {Regex.Match(text, "\"message\":\"([^\"]*)").Groups[1].Value}");
                        break;
                    }

                    Assert.True(status == HttpStatusCode.Created, $"{c.Id}: creating {url} gave {(int)status} {text}");
                    created.Add(url);
                }

                if (rejected)
                {
                    continue;
                }

                // The aggregation controller fills aggregated roles after the write; give it a moment.
                var (rows, warnings, sandboxSays) = await AskUntilSettled(session, admin, kubeconfig, c);
                var saToolsSays = rows.Count > 0;
                if (saToolsSays != c.Allowed || sandboxSays != c.Allowed || warnings.Count > 0 || rows.Any(r => r.Verified != true))
                {
                    failures.Add($"{c.Id}: expected {c.Allowed}, SaTools {saToolsSays}, sandbox {sandboxSays}, verified [{string.Join(",", rows.Select(r => r.Verified))}], warnings: {string.Join(" | ", warnings)}");
                }
                else
                {
                    verified++;
                }
            }
            finally
            {
                created.Reverse();
                foreach (var url in created)
                {
                    using var _ = await admin.DeleteAsync(url);
                }
            }
        }

        _output.WriteLine($"{verified} cases agree with the sandbox; {refused.Count} refused by validation:");
        refused.ForEach(_output.WriteLine);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(verified >= 60, $"only {verified} cases could be verified in the sandbox");
    }

    private async Task<(List<(bool? Verified, string Binding)> Rows, List<string> Warnings, bool SandboxSays)> AskUntilSettled(
        ModuleSession session, HttpClient admin, string kubeconfig, RbacCase c)
    {
        (List<(bool?, string)>, List<string>, bool) last = default;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var result = session.RunCapturing(
                "$filter = $args[3]; Get-K8sEffectivePermission -Kubeconfig $args[0] -Namespace $args[1] -Name $args[2] -Verify @filter",
                kubeconfig, c.SaNamespace, c.SaName, Filter(c.Request));
            Assert.True(!result.AllErrors.Any(), $"{c.Id}: {string.Join("; ", result.AllErrors.Select(e => e.FullyQualifiedErrorId + " " + e))}");
            var rows = result.Output.Select(o => ((bool?)o.Properties["Verified"].Value, (string)o.Properties["BindingName"].Value)).ToList();
            var sandboxSays = await SubjectAccessReview(admin, c);
            last = (rows, result.Warnings.ToList(), sandboxSays);
            if (sandboxSays == (rows.Count > 0) && result.Warnings.Count == 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        return last;
    }

    private static System.Collections.Hashtable Filter(CaseRequest r)
    {
        var filter = new System.Collections.Hashtable { ["Verb"] = r.Verb };
        if (r.Url is not null)
        {
            filter["NonResourceUrl"] = r.Url;
            return filter;
        }

        filter["Resource"] = r.Resource;
        if (r.ApiGroup is not null) filter["ApiGroup"] = r.ApiGroup;
        if (r.Name is not null) filter["ResourceName"] = r.Name;
        filter["Scope"] = r.Namespace ?? "Cluster";
        return filter;
    }

    /// <summary>The sandbox authorizer's own answer, asked directly (not through SaTools).</summary>
    private static async Task<bool> SubjectAccessReview(HttpClient admin, RbacCase c)
    {
        var r = c.Request;
        var spec = new JsonObject
        {
            ["user"] = $"system:serviceaccount:{c.SaNamespace}:{c.SaName}",
            ["groups"] = new JsonArray("system:serviceaccounts", $"system:serviceaccounts:{c.SaNamespace}", "system:authenticated"),
        };
        if (r.Url is not null)
        {
            spec["nonResourceAttributes"] = new JsonObject { ["path"] = r.Url, ["verb"] = r.Verb };
        }
        else
        {
            var slash = r.Resource!.IndexOf('/');
            var head = slash < 0 ? r.Resource : r.Resource[..slash];
            var dot = head.IndexOf('.');
            var attributes = new JsonObject
            {
                ["verb"] = r.Verb,
                ["group"] = r.ApiGroup ?? (dot < 0 ? "" : head[(dot + 1)..]),
                ["resource"] = dot < 0 ? head : head[..dot],
            };
            if (slash >= 0) attributes["subresource"] = r.Resource[(slash + 1)..];
            if (r.Name is not null) attributes["name"] = r.Name;
            if (r.Namespace is not null) attributes["namespace"] = r.Namespace;
            spec["resourceAttributes"] = attributes;
        }

        var body = new JsonObject { ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SubjectAccessReview", ["spec"] = spec };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync("/apis/authorization.k8s.io/v1/subjectaccessreviews", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!["status"]?["allowed"]?.GetValue<bool>() ?? false;
    }

    /// <summary>POSTs one of the table's YAML documents (flow style, as <see cref="Rbac"/> writes them).</summary>
    private static async Task<(HttpStatusCode Status, string Url, string Text)> Create(HttpClient admin, string doc)
    {
        var kind = KindLine().Match(doc).Groups[1].Value;
        var meta = MetadataLine().Match(doc);
        var name = meta.Groups["name"].Value;
        var ns = meta.Groups["ns"].Success ? meta.Groups["ns"].Value : null;
        var (prefix, plural) = kind switch
        {
            "Namespace" => ("/api/v1", "namespaces"),
            "ServiceAccount" => ("/api/v1", "serviceaccounts"),
            "Role" => ("/apis/rbac.authorization.k8s.io/v1", "roles"),
            "RoleBinding" => ("/apis/rbac.authorization.k8s.io/v1", "rolebindings"),
            "ClusterRole" => ("/apis/rbac.authorization.k8s.io/v1", "clusterroles"),
            "ClusterRoleBinding" => ("/apis/rbac.authorization.k8s.io/v1", "clusterrolebindings"),
            _ => throw new InvalidOperationException("unexpected kind " + kind),
        };
        var collection = ns is null ? $"{prefix}/{plural}" : $"{prefix}/namespaces/{ns}/{plural}";
        using var content = new StringContent(doc, Encoding.UTF8, "application/yaml");
        using var response = await admin.PostAsync(collection, content);
        return (response.StatusCode, $"{collection}/{name}", await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex(@"^kind: (\w+)$", RegexOptions.Multiline)]
    private static partial Regex KindLine();

    [GeneratedRegex(@"^metadata: \{name: ""(?<name>[^""]+)""(?:, namespace: ""(?<ns>[^""]+)"")?", RegexOptions.Multiline)]
    private static partial Regex MetadataLine();

    [Fact]
    public async Task VerifyWithoutScopeChecksEachGrantWhereItApplies()
    {
        // A RoleBinding grants in its namespace only; without -Scope, -Verify must ask about that namespace (a
        // cluster-wide question would be denied and raise a false disagreement).
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "empty" });
        using var admin = sandbox.CreateClient();
        using var dir = new TempDirectory();
        var kubeconfig = sandbox.WriteKubeconfig(Path.Combine(dir.Path, "admin.kubeconfig"));
        foreach (var doc in new[]
                 {
                     $"apiVersion: v1\nkind: Namespace\nmetadata: {{name: \"{RbacCases.Ns}\"}}\n",
                     RbacText.ServiceAccount(RbacCases.Ns, RbacCases.SaName),
                     RbacText.Role(RbacCases.Ns, "secret-reader", RbacText.Rule("get", "", "secrets")),
                     RbacText.RoleBinding(RbacCases.Ns, "read-secrets", "Role", "secret-reader", RbacText.Sa(RbacCases.SaName)),
                     RbacText.ClusterRole("node-reader", RbacText.Rule("get", "", "nodes")),
                     RbacText.ClusterRoleBinding("read-nodes", "node-reader", RbacText.Sa(RbacCases.SaName, RbacCases.Ns)),
                 })
        {
            var (status, url, text) = await Create(admin, doc);
            Assert.True(status == HttpStatusCode.Created, $"{url}: {(int)status} {text}");
        }

        using var session = new ModuleSession();
        foreach (var (resource, binding, checkedIn) in new[] { ("secrets", "read-secrets", $"-n {RbacCases.Ns}"), ("nodes", "read-nodes", "(cluster)") })
        {
            var result = session.RunCapturing(
                "Get-K8sEffectivePermission -Kubeconfig $args[0] -Namespace $args[1] -Name $args[2] -Verb get -Resource $args[3] -Verify",
                kubeconfig, RbacCases.Ns, RbacCases.SaName, resource);
            Assert.Empty(result.AllErrors);
            Assert.Empty(result.Warnings);
            var row = Assert.Single(result.Output);
            Assert.Equal(binding, row.Properties["BindingName"].Value);
            Assert.True((bool?)row.Properties["Verified"].Value == true);
            Assert.Contains(checkedIn, (string)row.Properties["VerifyDetail"].Value);
        }

        // Nothing granted: the filter's own request is asked, and the server agrees it is denied.
        var none = session.RunCapturing(
            "Get-K8sEffectivePermission -Kubeconfig $args[0] -Namespace $args[1] -Name $args[2] -Verb delete -Resource secrets -Verify -Summary",
            kubeconfig, RbacCases.Ns, RbacCases.SaName);
        Assert.Empty(none.AllErrors);
        Assert.Empty(none.Warnings);
        var summary = Assert.Single(none.Output);
        Assert.Equal(0, summary.Properties["GrantCount"].Value);
        Assert.True((bool?)summary.Properties["Verified"].Value == true);
    }

    [Fact]
    public async Task KubectlCanIListAgreesForEveryDemoServiceAccount()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "demo" });
        using var dir = new TempDirectory();
        var kubeconfig = sandbox.WriteKubeconfig(Path.Combine(dir.Path, "admin.kubeconfig"));
        using var session = new ModuleSession();

        var accounts = session.Run("param($kc) Get-K8sServiceAccount -Kubeconfig $kc -AllNamespaces | ForEach-Object { $_.Namespace + '/' + $_.Name }", kubeconfig)
            .Select(o => o.ToString()).OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(accounts);
        var compared = 0;
        foreach (var account in accounts)
        {
            var ns = account[..account.IndexOf('/')];
            var name = account[(account.IndexOf('/') + 1)..];
            var kubectl = RunKubectl(kubeconfig, "auth", "can-i", "--list", $"--as=system:serviceaccount:{ns}:{name}", "-n", ns);
            var expected = ParseCanIList(kubectl);

            var rows = session.Run(
                "param($kc, $ns, $name) Get-K8sEffectivePermission -Kubeconfig $kc -Namespace $ns -Name $name -Scope $ns | Where-Object { -not $_.MissingRole } | ForEach-Object { $r = $_; foreach ($v in $r.Verbs) { if ($r.NonResourceUrls.Count) { foreach ($u in $r.NonResourceUrls) { 'url ' + $u + ' ' + $v } } ; foreach ($g in $r.ApiGroups) { foreach ($res in $r.Resources) { $names = @($r.ResourceNames); if ($names.Count -eq 0) { $names = @('') }; $parts = $res.Split('/', 2); $combined = $parts[0] + $(if ($g) { '.' + $g } else { '' }) + $(if ($parts.Count -eq 2) { '/' + $parts[1] } else { '' }); foreach ($n in $names) { $combined + ' [' + $n + '] ' + $v } } } } }",
                kubeconfig, ns, name).Select(o => o.ToString()).ToHashSet(StringComparer.Ordinal);

            Assert.True(expected.SetEquals(rows),
                $"{account}: only kubectl: [{string.Join(", ", expected.Except(rows))}]; only SaTools: [{string.Join(", ", rows.Except(expected))}]\n{kubectl}");
            compared++;
        }

        _output.WriteLine($"kubectl auth can-i --list agrees for {compared} ServiceAccounts");
    }

    // SaTools' rows are expanded as kubectl prints them: describe.CombineResourceGroup writes
    // resource[.group][/subresource] (staging/src/k8s.io/kubectl/pkg/describe/describe.go).

    /// <summary>
    /// kubectl's table (pkg/cmd/auth/cani.go printStatus): rules broken down per resource and name, verbs merged;
    /// columns Resources, Non-Resource URLs, Resource Names, Verbs, lists printed as <c>[a b]</c>.
    /// </summary>
    internal static HashSet<string> ParseCanIList(string table)
    {
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0];
        var urlsAt = header.IndexOf("Non-Resource URLs", StringComparison.Ordinal);
        var namesAt = header.IndexOf("Resource Names", StringComparison.Ordinal);
        var verbsAt = header.IndexOf("Verbs", StringComparison.Ordinal);
        Assert.True(urlsAt > 0 && namesAt > urlsAt && verbsAt > namesAt, "unexpected header: " + header);
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            string Column(int from, int to) => line.Length <= from ? "" : line[from..Math.Min(to, line.Length)].Trim();
            var resource = Column(0, urlsAt);
            var urls = List(Column(urlsAt, namesAt));
            var names = List(Column(namesAt, verbsAt));
            var verbs = List(Column(verbsAt, int.MaxValue));
            foreach (var verb in verbs)
            {
                if (resource.Length == 0)
                {
                    foreach (var url in urls) result.Add($"url {url} {verb}");
                    continue;
                }

                foreach (var n in names.Count == 0 ? new List<string> { "" } : names)
                {
                    result.Add($"{resource} [{n}] {verb}");
                }
            }
        }

        return result;

        static List<string> List(string text) =>
            text.Trim('[', ']').Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static string RunKubectl(string kubeconfig, params string[] args) => Kubectl.Succeed(kubeconfig, args);

    [Fact]
    public async Task BootstrapGrantsEveryServiceAccountTheAuthenticatedDefaults()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { Scenario = "bootstrap" });
        using var dir = new TempDirectory();
        var kubeconfig = sandbox.WriteKubeconfig(Path.Combine(dir.Path, "admin.kubeconfig"));
        using var session = new ModuleSession();

        var result = session.RunCapturing("Get-K8sEffectivePermission -Kubeconfig $args[0] -AllNamespaces -Verify", kubeconfig);

        Assert.Empty(result.AllErrors);
        Assert.Empty(result.Warnings);
        var rows = result.Output;
        var accounts = rows.Select(r => r.Properties["Namespace"].Value + "/" + r.Properties["ServiceAccount"].Value).Distinct().ToList();
        Assert.NotEmpty(accounts);
        foreach (var account in accounts)
        {
            var mine = rows.Where(r => account == r.Properties["Namespace"].Value + "/" + r.Properties["ServiceAccount"].Value).ToList();
            var viaAuthenticated = mine.Where(r => (string)r.Properties["GrantedVia"].Value == "system:authenticated")
                .Select(r => (string)r.Properties["RoleName"].Value).Distinct().OrderBy(n => n, StringComparer.Ordinal);
            Assert.Equal(new[] { "system:basic-user", "system:discovery", "system:public-info-viewer" }, viaAuthenticated);
            Assert.Contains(mine, r => (string)r.Properties["GrantedVia"].Value == "system:serviceaccounts"
                                       && (string)r.Properties["RoleName"].Value == "system:service-account-issuer-discovery");
        }

        Assert.All(rows, r => Assert.True((bool?)r.Properties["Verified"].Value == true, r.ToString()));
    }

    private sealed class TempDirectory : IDisposable
    {
        public TempDirectory() => Path = Directory.CreateTempSubdirectory("satools-perm-").FullName;

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
