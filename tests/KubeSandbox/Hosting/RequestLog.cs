using System.Collections.Concurrent;

namespace KubeSandbox.Hosting;

/// <summary>One request as the sandbox served it.</summary>
public sealed record RequestRecord(
    DateTimeOffset Time,
    string Verb,
    string Method,
    string Path,
    string Query,
    int Status,
    TimeSpan Duration,
    string User,
    string? Fault);

/// <summary>Every request the sandbox answered, in order; tests and the benchmark read it.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RequestRecord> _records = new();

    public void Add(RequestRecord r) => _records.Enqueue(r);

    public IReadOnlyList<RequestRecord> Snapshot() => _records.ToArray();

    public int Count => _records.Count;

    public void Clear() => _records.Clear();

    /// <summary>Requests whose path starts with <paramref name="pathPrefix"/>.</summary>
    public IReadOnlyList<RequestRecord> ForPath(string pathPrefix) =>
        _records.Where(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToArray();
}
