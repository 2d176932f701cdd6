namespace SaTools.Benchmarks.Measurement;

/// <summary>
/// The fastest a list workload can go over a network with a fixed latency per request (issue 18): lists of
/// different kinds are read at the same time and each list's pages one after another (a page's continue token is
/// in the page before), so the floor is the slowest kind's pages times the latency. Server and client work is not
/// in it: the ratio to it says how much the rest costs.
/// </summary>
public sealed record NetworkFloor(string SlowestList, int Pages, int LatencyMs)
{
    public double Milliseconds => (double)Pages * LatencyMs;

    /// <returns>Null for a workload with no list target.</returns>
    public static NetworkFloor? For(ClusterCensus census, IReadOnlyList<string> lists, int latencyMs)
    {
        if (lists.Count == 0) return null;
        var slowest = lists.Select(l => (List: l, Pages: MinimumRequests.Pages(census.Count(l)))).MaxBy(x => x.Pages);
        return new NetworkFloor(slowest.List, slowest.Pages, latencyMs);
    }

    public override string ToString() => $"{SlowestList} {Pages} pages x {LatencyMs} ms";
}
