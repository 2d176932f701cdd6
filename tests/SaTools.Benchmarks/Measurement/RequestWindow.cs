using SaTools.Benchmarks.Hosting;

namespace SaTools.Benchmarks.Measurement;

/// <summary>
/// The slice of the cluster's request log that belongs to one workload run: the benchmark is the cluster's only
/// client and runs one thing at a time, so everything logged between <see cref="Open"/> and <see cref="Close"/> is
/// that run's.
/// </summary>
public sealed class RequestWindow
{
    private readonly IBenchCluster _cluster;
    private readonly int _start;

    private RequestWindow(IBenchCluster cluster)
    {
        _cluster = cluster;
        _start = cluster.RequestCount;
    }

    public static RequestWindow Open(IBenchCluster cluster) => new(cluster);

    /// <summary>Ends the window once the log is quiet: the server logs a request just after answering it, so
    /// the last entry may land a moment after the client has its answer.</summary>
    public RequestTally Close()
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(500);
        var count = _cluster.RequestCount;
        while (DateTime.UtcNow < deadline)
        {
            Thread.Sleep(25);
            var now = _cluster.RequestCount;
            if (now == count) break;
            count = now;
        }
        return new RequestTally(_cluster.RequestsSince(_start));
    }
}
