using SaTools.Engine.Audit.Checks;

namespace SaTools.Engine.Audit;

/// <summary>
/// The checks of the audit, SA01 to SA12, one file each under Audit/Checks (the table; the rule source of
/// each is in its <see cref="AuditCheckDefinition.RuleSource"/>).
/// </summary>
public static class AuditCheckCatalog
{
    internal static readonly IReadOnlyList<IAuditCheck> Checks = new IAuditCheck[]
    {
        new Sa01DefaultAutomount(),
        new Sa02TokenWithoutPermissions(),
        new Sa03DefaultServiceAccountPod(),
        new Sa04DefaultServiceAccountPermissions(),
        new Sa05SharedServiceAccount(),
        new Sa06RiskyServiceAccount(),
        new Sa07LegacyTokenSecret(),
        new Sa08ProjectedTokenSettings(),
        new Sa09CloudCredentialSecret(),
        new Sa10UnusedPrivilegedServiceAccount(),
        new Sa11DanglingServiceAccountSubject(),
        new Sa12BroadGroupBinding(),
    };

    public static IReadOnlyList<AuditCheckDefinition> Definitions { get; } = Checks.Select(c => c.Definition).ToList();

    public static IReadOnlyList<string> CheckIds { get; } = Definitions.Select(d => d.CheckId).ToList();

    /// <summary>The checks that run for the ids given (case-insensitive; null or empty: all), in the catalog's order,
    /// each once.</summary>
    public static IReadOnlyList<AuditCheckDefinition> Chosen(IReadOnlyCollection<string>? checkIds) =>
        ChosenChecks(checkIds).Select(c => c.Definition).ToList();

    internal static IReadOnlyList<IAuditCheck> ChosenChecks(IReadOnlyCollection<string>? checkIds)
    {
        if (checkIds is not { Count: > 0 }) return Checks;
        var wanted = new HashSet<string>(checkIds, StringComparer.OrdinalIgnoreCase);
        return Checks.Where(c => wanted.Contains(c.Definition.CheckId)).ToList();
    }

    public static AuditCheckDefinition? Find(string checkId) =>
        Definitions.FirstOrDefault(d => string.Equals(d.CheckId, checkId, StringComparison.OrdinalIgnoreCase));
}
