namespace SaTools.Benchmarks.Measurement;

/// <summary>
/// The fewest requests a list can take: its pages at the module's page size. An empty list is still one request.
/// </summary>
public static class MinimumRequests
{
    /// <summary>The module's <c>limit</c> (src/SaTools.Engine/Api/Pager.cs, <c>Pager.DefaultPageSize</c>). The
    /// benchmark does not reference the engine; <see cref="RequestTally.PageSizes"/> shows what was really sent.</summary>
    public const int ModulePageSize = 500;

    public static int Pages(long objects, int pageSize = ModulePageSize) =>
        (int)Math.Max(1, (objects + pageSize - 1) / pageSize);

    /// <summary>The pages of each list named, counted from <paramref name="census"/>.</summary>
    public static int ForLists(ClusterCensus census, IEnumerable<string> resources, int pageSize = ModulePageSize) =>
        resources.Sum(r => Pages(census.Count(r), pageSize));
}
