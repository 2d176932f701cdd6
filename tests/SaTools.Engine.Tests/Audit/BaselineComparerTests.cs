using SaTools.Engine.Audit;

namespace SaTools.Tests.Audit;

public sealed class BaselineComparerTests
{
    private static AuditFinding F(string check, string ns, string name, AuditSeverity severity = AuditSeverity.Low, string message = "m") => new()
    {
        CheckId = check, Title = "t", Severity = severity, Kind = "Pod", Namespace = ns, Name = name, Message = message, Remediation = "r",
        ConcernsNamespace = ns.Length == 0 ? null : ns,
    };

    private static readonly IReadOnlySet<string> All = AuditCheckCatalog.CheckIds.ToHashSet(StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void NewUnchangedAndResolvedByIdentityNotEvidence()
    {
        var now = new[] { F("SA03", "a", "p1", message: "today's words"), F("SA03", "a", "p2") };
        var before = new[] { F("SA03", "a", "p1", AuditSeverity.High, "old words"), F("SA03", "a", "gone") }
            .Select(f => new BaselineComparer.BaselineRow(f, null));
        var result = BaselineComparer.Compare(now, before, All, _ => true);
        Assert.Equal(FindingChange.Unchanged, result.Single(r => r.Finding.Name == "p1").Change);
        Assert.Equal("today's words", result.Single(r => r.Finding.Name == "p1").Finding.Message);
        Assert.Equal(FindingChange.New, result.Single(r => r.Finding.Name == "p2").Change);
        var resolved = result.Single(r => r.Finding.Name == "gone");
        Assert.Equal(FindingChange.Resolved, resolved.Change);
        Assert.Equal(3, result.Count);
    }

    [Fact]
    public void NotResolvedWhenNobodyLookedOrWhenItWasResolvedAlready()
    {
        var before = new[]
        {
            new BaselineComparer.BaselineRow(F("SA05", "a", "x"), null),        // check not run now
            new BaselineComparer.BaselineRow(F("SA03", "other", "y"), null),    // namespace not reported on now
            new BaselineComparer.BaselineRow(F("SA03", "a", "z"), "Resolved"),  // was not failing then
        };
        var result = BaselineComparer.Compare(Array.Empty<AuditFinding>(), before, new HashSet<string> { "SA03" }, f => f.ConcernsNamespace == "a");
        Assert.Empty(result);
    }

    [Fact]
    public void KeyIsCheckKindNamespaceNameServiceAccount()
    {
        var a = F("SA03", "a", "p") with { ServiceAccount = "default" };
        Assert.Equal(new FindingKey("SA03", "Pod", "a", "p", "default"), a.Key);
        Assert.NotEqual(a.Key, (a with { ServiceAccount = "web" }).Key);
        Assert.Equal(a.Key, (a with { Severity = AuditSeverity.Critical, Remediation = "other" }).Key);
    }
}
