using System.Net;
using System.Text.RegularExpressions;

namespace SaTools.Module.Tests.Audit;

/// <summary>
/// Export-K8sAuditReport's page as headless Chromium renders it: the audit of the held-out scenario, plus a
/// finding whose every field is markup, must render as text (no element injected), with the summary, the chart
/// and the findings; and the page asks for nothing from anywhere else.
/// </summary>
public sealed class AuditReportBrowserTests : IClassFixture<AuditSandbox>
{
    private const string Injected = "<script>document.title='owned'</script><img src=x onerror=alert(1)>";
    private readonly AuditSandbox _s;

    public AuditReportBrowserTests(AuditSandbox sandbox) => _s = sandbox;

    private string WriteReport(string name)
    {
        var path = Path.Combine(_s.Directory, name);
        _s.Session.Run("""
            $evil = [pscustomobject]@{ CheckId = 'SA03'; Title = $args[1]; Severity = 'Low'; Kind = 'Pod'; Namespace = 'audit-apps'; Name = $args[1];
                ServiceAccount = $args[1]; Message = $args[1]; Remediation = $args[1]; Change = ''; Evaluated = '16'; Context = 'sandbox' }
            @(Invoke-K8sServiceAccountAudit -AllNamespaces) + $evil | Export-K8sAuditReport -Path $args[0] -Force
            """, path, Injected);
        return path;
    }

    [ChromiumFact]
    public void RenderedPage_ShowsSummaryChartAndFindingsAsText()
    {
        var path = WriteReport("browser.html");
        var dom = HeadlessChromium.Run(path, "--dump-dom");

        // No element came from a finding: the page has no script at all, and one <img> would be the injection's.
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<title>ServiceAccount security audit</title>", dom);

        var text = WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(dom, "<style>.*?</style>", " ", RegexOptions.Singleline), "<[^>]+>", " "));
        text = Regex.Replace(text, @"\s+", " ");
        Assert.Contains("Summary by check", text);
        Assert.Contains("SA09 Cloud credentials stored in a Secret High 7 4", text);
        Assert.Contains("SA06 ServiceAccount with High or Critical RBAC risk Critical", text);
        Assert.Contains("Findings by namespace and severity", text);
        Assert.Contains("SA11 — Binding names a ServiceAccount that does not exist (3)", text);
        Assert.Contains("Namespace audit-cloud", text);
        Assert.Contains("kubectl delete secret aws-creds -n audit-cloud", text);
        Assert.Contains(Injected, text);                                    // shown, not run
        // The chart: one bar label per namespace with findings.
        Assert.Matches(new Regex("<svg[^>]*aria-label=\"Findings by namespace and severity\""), dom);
        Assert.Contains(">audit-legacy<", dom);
    }

    [ChromiumFact]
    public void Screenshot_IsAPicture()
    {
        var path = WriteReport("shot.html");
        var png = Path.Combine(_s.Directory, "shot.png");
        HeadlessChromium.Run(path, "--screenshot=" + png);
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 20_000, $"the screenshot is {bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes.Take(4));
    }

    [Fact]
    public void Page_IsSelfContained()
    {
        var html = File.ReadAllText(WriteReport("offline.html"));
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"", html);
        // The markup itself (the injected finding is text between tags, so it is not looked at here).
        var tags = string.Join("\n", Regex.Matches(html, "<[^>]+>").Select(m => m.Value));
        foreach (var external in new[] { "<script", "<link", "<img", "<iframe", "<object", " src=", "href=\"http", "href=\"//" })
        {
            Assert.DoesNotContain(external, tags, StringComparison.OrdinalIgnoreCase);
        }
        var style = Regex.Match(html, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;
        foreach (var external in new[] { "@import", "url(", "@font-face" })
        {
            Assert.DoesNotContain(external, style, StringComparison.OrdinalIgnoreCase);
        }
    }
}
