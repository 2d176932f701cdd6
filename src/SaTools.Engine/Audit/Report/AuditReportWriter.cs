using System.Globalization;
using System.Net;
using System.Text;
using SaTools.Engine.Names;

namespace SaTools.Engine.Audit.Report;

/// <summary>
/// Writes the audit as ONE self-contained HTML page, meant to be mailed and opened offline: inline CSS, an inline
/// SVG chart, no script, no external style, font or image (a Content-Security-Policy of default-src 'none' says
/// so to the browser too). Every text that comes from a finding is HTML-encoded.
/// Sections: totals, a summary per check (objects evaluated, failed, severity, rule source), a chart of findings
/// by namespace and severity, the baseline changes (when the findings carry Change), and the findings grouped by
/// check and namespace with their remediation.
/// </summary>
public static class AuditReportWriter
{
    private const string ClusterScope = "(cluster)";
    private const int MaxChartNamespaces = 20;

    private static readonly AuditSeverity[] SeveritiesDescending =
        { AuditSeverity.Critical, AuditSeverity.High, AuditSeverity.Medium, AuditSeverity.Low, AuditSeverity.Info };

    private static readonly Dictionary<AuditSeverity, string> Colors = new()
    {
        [AuditSeverity.Critical] = "#7b1fa2",
        [AuditSeverity.High] = "#c62828",
        [AuditSeverity.Medium] = "#ef6c00",
        [AuditSeverity.Low] = "#f9a825",
        [AuditSeverity.Info] = "#1565c0",
    };

    public static string Write(IReadOnlyList<AuditReportRow> rows, DateTime generatedUtc, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var open = rows.Where(r => !IsResolved(r)).ToList();
        var hasBaseline = rows.Any(r => !string.IsNullOrEmpty(r.Change));
        var contexts = rows.Select(r => r.Context).Where(c => !string.IsNullOrEmpty(c)).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToList();
        var html = new StringBuilder(16 * 1024 + rows.Count * 600);
        var heading = title ?? "ServiceAccount security audit";

        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(heading)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(E(heading)).Append("</h1>\n<p class=\"meta\">Generated ")
            .Append(E(generatedUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)));
        if (contexts.Count > 0) html.Append(" &middot; Context: ").Append(E(string.Join(", ", contexts)));
        html.Append("</p>\n");

        // Totals by severity.
        html.Append("<div class=\"totals\">");
        html.Append("<div class=\"total\"><span class=\"n\">").Append(open.Count).Append("</span> findings</div>");
        foreach (var severity in SeveritiesDescending)
        {
            var n = open.Count(r => r.Finding.Severity == severity);
            html.Append("<div class=\"total sev-").Append(severity).Append("\"><span class=\"n\">").Append(n).Append("</span> ").Append(severity).Append("</div>");
        }
        html.Append("</div>\n");

        WriteCheckSummary(html, rows, open, hasBaseline);
        WriteChart(html, open);
        if (hasBaseline) WriteChanges(html, rows);
        WriteFindings(html, open, hasBaseline);

        html.Append("<footer>SaTools Invoke-K8sServiceAccountAudit &middot; no secret value is ever part of a finding</footer>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static bool IsResolved(AuditReportRow r) =>
        string.Equals(r.Change, nameof(FindingChange.Resolved), StringComparison.OrdinalIgnoreCase);

    private static void WriteCheckSummary(StringBuilder html, IReadOnlyList<AuditReportRow> rows, List<AuditReportRow> open, bool hasBaseline)
    {
        html.Append("<h2 id=\"summary\">Summary by check</h2>\n<table class=\"summary\">\n<thead><tr><th>Check</th><th>Title</th><th>Severity</th><th>Evaluated</th><th>Failed</th>");
        if (hasBaseline) html.Append("<th>New</th><th>Resolved</th>");
        html.Append("<th>Rule</th></tr></thead>\n<tbody>\n");
        var ids = AuditCheckCatalog.CheckIds
            .Concat(rows.Select(r => r.Finding.CheckId).Where(id => AuditCheckCatalog.Find(id) is null).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(id => id, StringComparer.OrdinalIgnoreCase));
        foreach (var id in ids)
        {
            var definition = AuditCheckCatalog.Find(id);
            var ofCheck = rows.Where(r => string.Equals(r.Finding.CheckId, id, StringComparison.OrdinalIgnoreCase)).ToList();
            var failed = open.Count(r => string.Equals(r.Finding.CheckId, id, StringComparison.OrdinalIgnoreCase));
            var evaluated = ofCheck.Select(r => r.Evaluated).FirstOrDefault(e => e is not null);
            var worst = open.Where(r => string.Equals(r.Finding.CheckId, id, StringComparison.OrdinalIgnoreCase)).Select(r => (AuditSeverity?)r.Finding.Severity).Max();
            html.Append("<tr class=\"").Append(failed > 0 ? "fail" : "pass").Append("\"><td><a href=\"#").Append(E(Anchor(id))).Append("\">").Append(E(id)).Append("</a></td><td>")
                .Append(E(definition?.Title ?? ofCheck.FirstOrDefault()?.Finding.Title ?? string.Empty)).Append("</td><td>");
            if (worst is { } w) html.Append(Badge(w));
            else html.Append(E(definition?.SeverityRule ?? string.Empty));
            html.Append("</td><td class=\"num\">").Append(evaluated is { } ev ? ev.ToString(CultureInfo.InvariantCulture) : (failed == 0 ? "&ndash;" : "?"))
                .Append("</td><td class=\"num\">").Append(failed == 0 ? "<span class=\"ok\">0</span>" : failed.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            if (hasBaseline)
            {
                html.Append("<td class=\"num\">").Append(ofCheck.Count(r => string.Equals(r.Change, nameof(FindingChange.New), StringComparison.OrdinalIgnoreCase)))
                    .Append("</td><td class=\"num\">").Append(ofCheck.Count(IsResolved)).Append("</td>");
            }
            html.Append("<td class=\"rule\">").Append(E(definition?.RuleSource ?? string.Empty)).Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n<p class=\"note\">Evaluated: objects the check looked at in the run (shown when the run had a finding for the check). Failed: findings still open.</p>\n");
    }

    private static void WriteChart(StringBuilder html, List<AuditReportRow> open)
    {
        html.Append("<h2 id=\"chart\">Findings by namespace and severity</h2>\n");
        if (open.Count == 0)
        {
            html.Append("<p>No findings.</p>\n");
            return;
        }
        var byNamespace = open
            .GroupBy(r => string.IsNullOrEmpty(r.Finding.Namespace) ? ClusterScope : r.Finding.Namespace, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Counts: SeveritiesDescending.Select(s => g.Count(r => r.Finding.Severity == s)).ToArray()))
            .OrderByDescending(x => x.Counts.Sum()).ThenBy(x => x.Name, StringComparer.Ordinal)
            .ToList();
        if (byNamespace.Count > MaxChartNamespaces)
        {
            var rest = byNamespace.Skip(MaxChartNamespaces - 1).ToList();
            byNamespace = byNamespace.Take(MaxChartNamespaces - 1)
                .Append(($"{rest.Count} other namespaces", SeveritiesDescending.Select((_, i) => rest.Sum(x => x.Counts[i])).ToArray()))
                .ToList();
        }

        const int labelWidth = 200, barWidth = 560, rowHeight = 24, top = 34, countWidth = 50;
        var max = Math.Max(1, byNamespace.Max(x => x.Counts.Sum()));
        var height = top + byNamespace.Count * rowHeight + 10;
        var width = labelWidth + barWidth + countWidth;
        html.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Findings by namespace and severity\" width=\"").Append(width)
            .Append("\" height=\"").Append(height).Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" class=\"chart\">\n");
        // Legend.
        var x = labelWidth;
        foreach (var severity in SeveritiesDescending)
        {
            html.Append("<rect x=\"").Append(x).Append("\" y=\"6\" width=\"12\" height=\"12\" fill=\"").Append(Colors[severity]).Append("\"/>")
                .Append("<text x=\"").Append(x + 16).Append("\" y=\"17\" class=\"legend\">").Append(severity).Append("</text>\n");
            x += 90;
        }
        for (var i = 0; i < byNamespace.Count; i++)
        {
            var (name, counts) = byNamespace[i];
            var y = top + i * rowHeight;
            html.Append("<text x=\"").Append(labelWidth - 8).Append("\" y=\"").Append(y + 15).Append("\" text-anchor=\"end\" class=\"label\">")
                .Append(E(Shorten(name, 28))).Append("<title>").Append(E(name)).Append("</title></text>\n");
            double offset = labelWidth;
            for (var s = 0; s < SeveritiesDescending.Length; s++)
            {
                if (counts[s] == 0) continue;
                var w = Math.Max(2.0, counts[s] * (double)barWidth / max);
                html.Append("<rect x=\"").Append(F(offset)).Append("\" y=\"").Append(y + 3).Append("\" width=\"").Append(F(w)).Append("\" height=\"")
                    .Append(rowHeight - 6).Append("\" fill=\"").Append(Colors[SeveritiesDescending[s]]).Append("\"><title>")
                    .Append(E($"{name}: {counts[s]} {SeveritiesDescending[s]}")).Append("</title></rect>");
                offset += w;
            }
            html.Append("<text x=\"").Append(F(offset + 6)).Append("\" y=\"").Append(y + 15).Append("\" class=\"count\">").Append(counts.Sum()).Append("</text>\n");
        }
        html.Append("</svg>\n");
    }

    private static void WriteChanges(StringBuilder html, IReadOnlyList<AuditReportRow> rows)
    {
        html.Append("<h2 id=\"changes\">Changes since the baseline</h2>\n");
        foreach (var change in new[] { nameof(FindingChange.New), nameof(FindingChange.Resolved) })
        {
            var list = rows.Where(r => string.Equals(r.Change, change, StringComparison.OrdinalIgnoreCase)).ToList();
            html.Append("<h3>").Append(change).Append(" (").Append(list.Count).Append(")</h3>\n");
            if (list.Count == 0)
            {
                html.Append("<p>None.</p>\n");
                continue;
            }
            html.Append("<table class=\"changes\">\n<thead><tr><th>Check</th><th>Severity</th><th>Kind</th><th>Namespace</th><th>Name</th><th>ServiceAccount</th><th>Message</th></tr></thead>\n<tbody>\n");
            foreach (var r in Ordered(list))
            {
                var f = r.Finding;
                html.Append("<tr class=\"change-").Append(change).Append("\"><td>").Append(E(f.CheckId)).Append("</td><td>").Append(Badge(f.Severity)).Append("</td><td>").Append(E(f.Kind))
                    .Append("</td><td>").Append(E(f.Namespace)).Append("</td><td>").Append(E(f.Name)).Append("</td><td>").Append(E(f.ServiceAccount))
                    .Append("</td><td>").Append(E(f.Message)).Append("</td></tr>\n");
            }
            html.Append("</tbody>\n</table>\n");
        }
    }

    private static void WriteFindings(StringBuilder html, List<AuditReportRow> open, bool hasBaseline)
    {
        html.Append("<h2 id=\"findings\">Findings</h2>\n");
        if (open.Count == 0) html.Append("<p>No open findings.</p>\n");
        foreach (var check in open.GroupBy(r => r.Finding.CheckId, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase))
        {
            var definition = AuditCheckCatalog.Find(check.Key);
            html.Append("<section class=\"check\" id=\"").Append(E(Anchor(check.Key))).Append("\">\n<h3>").Append(E(check.Key)).Append(" &mdash; ")
                .Append(E(definition?.Title ?? check.First().Finding.Title)).Append(" <span class=\"count\">(").Append(check.Count()).Append(")</span></h3>\n");
            if (definition is not null) html.Append("<p class=\"rule\">Rule: ").Append(E(definition.RuleSource)).Append("</p>\n");
            foreach (var ns in check.GroupBy(r => string.IsNullOrEmpty(r.Finding.Namespace) ? ClusterScope : r.Finding.Namespace, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                html.Append("<h4>").Append(ns.Key == ClusterScope ? "Cluster-scoped" : "Namespace " + E(ns.Key)).Append("</h4>\n<table class=\"findings\">\n<thead><tr><th>Severity</th><th>Kind</th><th>Name</th><th>ServiceAccount</th><th>Message</th><th>Remediation</th>");
                if (hasBaseline) html.Append("<th>Change</th>");
                html.Append("</tr></thead>\n<tbody>\n");
                foreach (var r in Ordered(ns))
                {
                    var f = r.Finding;
                    html.Append("<tr><td>").Append(Badge(f.Severity)).Append("</td><td>").Append(E(f.Kind)).Append("</td><td>").Append(E(f.Name))
                        .Append("</td><td>").Append(E(f.ServiceAccount)).Append("</td><td>").Append(E(f.Message))
                        .Append("</td><td><code>").Append(E(f.Remediation)).Append("</code></td>");
                    if (hasBaseline) html.Append("<td>").Append(E(r.Change ?? string.Empty)).Append("</td>");
                    html.Append("</tr>\n");
                }
                html.Append("</tbody>\n</table>\n");
            }
            html.Append("</section>\n");
        }
    }

    private static IEnumerable<AuditReportRow> Ordered(IEnumerable<AuditReportRow> rows) => rows
        .OrderByDescending(r => r.Finding.Severity)
        .ThenBy(r => r.Finding, ListingOrder.By<AuditFinding>(f => f.Namespace, f => f.Name));

    private static string Badge(AuditSeverity severity) => $"<span class=\"badge sev-{severity}\">{severity}</span>";

    private static string Anchor(string checkId) => "check-" + checkId;

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "\u2026";

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>HTML-encodes text for element content and attribute values (&lt; &gt; &amp; &quot; &#39;).</summary>
    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 24px; color: #212121; }
        h1 { margin-bottom: 4px; } h2 { margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        .meta, .note, .rule { color: #616161; font-size: 0.9em; }
        .totals { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
        .total { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 90px; }
        .total .n { font-size: 1.6em; font-weight: 600; display: block; }
        table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 0.92em; }
        th, td { border: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #f5f5f5; } td.num { text-align: right; } tr.pass td { color: #616161; }
        .ok { color: #2e7d32; font-weight: 600; }
        code { font-family: ui-monospace, Consolas, monospace; font-size: 0.9em; white-space: pre-wrap; word-break: break-word; }
        .badge { color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 0.85em; }
        .sev-Critical.badge { background: #7b1fa2; } .sev-High.badge { background: #c62828; } .sev-Medium.badge { background: #ef6c00; }
        .sev-Low.badge { background: #f9a825; color: #212121; } .sev-Info.badge { background: #1565c0; }
        .total.sev-Critical { border-color: #7b1fa2; } .total.sev-High { border-color: #c62828; } .total.sev-Medium { border-color: #ef6c00; }
        .total.sev-Low { border-color: #f9a825; } .total.sev-Info { border-color: #1565c0; }
        svg.chart text { font-size: 12px; fill: #212121; } svg.chart .count { fill: #616161; }
        tr.change-New td:first-child { border-left: 4px solid #c62828; } tr.change-Resolved td:first-child { border-left: 4px solid #2e7d32; }
        footer { margin-top: 40px; color: #9e9e9e; font-size: 0.8em; }

        """;
}
