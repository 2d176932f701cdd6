using SaTools.Benchmarks.Hosting;

namespace SaTools.Benchmarks.Measurement;

/// <summary>The requests one workload run sent, from the cluster's request log over the run's window.</summary>
public sealed class RequestTally
{
    private static readonly HashSet<string> WriteMethods = new(StringComparer.OrdinalIgnoreCase) { "POST", "PUT", "PATCH", "DELETE" };

    public RequestTally(IReadOnlyList<ObservedRequest> requests)
    {
        Total = requests.Count;
        ByResource = requests
            .GroupBy(r => ApiPath.Resource(r.Path) + (WriteMethods.Contains(r.Method) ? " " + r.Method.ToUpperInvariant() : ""))
            .OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => g.Count());
        Writes = requests.Count(r => WriteMethods.Contains(r.Method));
        Discovery = requests.Count(r => ApiPath.IsDiscovery(r.Path));
        SuccessfulPatches = requests.Count(r => r.Method.Equals("PATCH", StringComparison.OrdinalIgnoreCase) && r.Status is >= 200 and < 300);
        Failed = requests.Count(r => r.Status >= 400 || r.Status == 0);
        LastAnswerAt = requests.Count == 0 ? null : requests.Max(r => r.Time);
        PageSizes = requests
            .Select(r => QueryValue(r.Query, "limit"))
            .Where(v => v is not null)
            .Select(v => int.TryParse(v, out var n) ? n : -1)
            .Distinct()
            .Order()
            .ToList();
    }

    public int Total { get; }

    /// <summary>Requests per resource (<c>serviceaccounts</c>), writes apart (<c>serviceaccounts PATCH</c>).</summary>
    public IReadOnlyDictionary<string, int> ByResource { get; }

    public int Writes { get; }

    /// <summary>Discovery and /version requests (kubectl's, before it can map a resource).</summary>
    public int Discovery { get; }

    public int SuccessfulPatches { get; }

    /// <summary>Answers with a 4xx/5xx status or none (an aborted connection).</summary>
    public int Failed { get; }

    /// <summary>When the last answer of the window was complete: what follows is the client's own work.</summary>
    public DateTimeOffset? LastAnswerAt { get; }

    /// <summary>The <c>limit</c> values the client sent.</summary>
    public IReadOnlyList<int> PageSizes { get; }

    public string Breakdown => string.Join(", ", ByResource.Select(kv => $"{kv.Key} {kv.Value}"));

    private static string? QueryValue(string query, string name)
    {
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = eq < 0 ? part : part[..eq];
            if (key == name) return eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..]);
        }
        return null;
    }
}
