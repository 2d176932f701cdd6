using SaTools.Engine.Audit;
using SaTools.Engine.Audit.Report;

namespace SaTools.Tests.Audit;

public sealed class AuditReportWriterTests
{
    private static AuditReportRow Row(string check, AuditSeverity severity, string ns, string name, string? change = null, string text = "m") => new(new AuditFinding
    {
        CheckId = check, Title = "title", Severity = severity, Kind = "Pod", Namespace = ns, Name = name, Message = text, Remediation = text,
    }, change, 7, "ctx");

    [Fact]
    public void EncodesEveryTextFromAFinding()
    {
        const string evil = "<b onmouseover=\"x\">'&</b>";
        var html = AuditReportWriter.Write(new[] { Row("SA03", AuditSeverity.Low, evil, evil, "New", evil) }, DateTime.UtcNow, evil);
        Assert.DoesNotContain("<b ", html);
        Assert.Contains("&lt;b onmouseover=&quot;x&quot;&gt;&#39;&amp;&lt;/b&gt;", html);
    }

    [Fact]
    public void SummarisesEveryCheckAndCountsOpenFindingsOnly()
    {
        var html = AuditReportWriter.Write(new[]
        {
            Row("SA03", AuditSeverity.Low, "a", "p1", "New"),
            Row("SA03", AuditSeverity.Low, "a", "p2", "Unchanged"),
            Row("SA03", AuditSeverity.Low, "a", "p3", "Resolved"),
        }, new DateTime(2026, 1, 2, 3, 4, 0, DateTimeKind.Utc));
        foreach (var id in AuditCheckCatalog.CheckIds) Assert.Contains($"href=\"#check-{id}\"", html);
        Assert.Contains("<span class=\"n\">2</span> findings", html);
        Assert.Contains("New (1)", html);
        Assert.Contains("Resolved (1)", html);
        Assert.Contains("Generated 2026-01-02 03:04 UTC", html);
        Assert.Contains("<svg", html);
    }

    [Fact]
    public void ChartGroupsTheTailOfManyNamespaces()
    {
        var rows = Enumerable.Range(0, 30).Select(i => Row("SA01", AuditSeverity.Medium, $"ns-{i:00}", "default")).ToList();
        var html = AuditReportWriter.Write(rows, DateTime.UtcNow);
        Assert.Contains("11 other namespaces", html);
    }
}
