using System.Text.RegularExpressions;

namespace KubeSandbox.Faults;

/// <summary>What a fault does to a request.</summary>
public enum FaultKind
{
    /// <summary>Answer normally after <see cref="FaultRule.Delay"/>.</summary>
    Latency,
    /// <summary>429 TooManyRequests Status with a Retry-After header (as API Priority and Fairness rejects).</summary>
    TooManyRequests,
    /// <summary>500 InternalError Status.</summary>
    InternalError,
    /// <summary>503 ServiceUnavailable Status.</summary>
    ServiceUnavailable,
    /// <summary>Reset the TCP connection (RST) without an answer. Over HTTP/2 every request in flight on that
    /// connection fails with it, as on a real network: a client cannot tell whether those were carried out.</summary>
    ConnectionReset,
    /// <summary>Answer normally, writing the body in small chunks with <see cref="FaultRule.Delay"/> between them.</summary>
    SlowBody,
}

/// <summary>
/// One fault rule: which requests (path prefix or regex, optional method), what happens, how often
/// (probability, decided from the seed, the rule and the request's method, path and attempt number, so the same
/// seed gives the same faults however requests interleave) and how many times (null = unlimited).
/// </summary>
public sealed class FaultRule
{
    public FaultKind Kind { get; init; }
    /// <summary>Matches paths starting with this; null or "" matches every path.</summary>
    public string? PathPrefix { get; init; }
    /// <summary>Matches paths by regex (in addition to <see cref="PathPrefix"/>).</summary>
    public Regex? PathPattern { get; init; }
    /// <summary>HTTP method to match (GET, POST...); null matches any.</summary>
    public string? Method { get; init; }
    public double Probability { get; init; } = 1.0;
    /// <summary>How many times the rule fires before it retires; null = forever.</summary>
    public int? Times { get; init; }
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(100);
    public int RetryAfterSeconds { get; init; } = 1;
    /// <summary>Chunk size for <see cref="FaultKind.SlowBody"/>.</summary>
    public int ChunkBytes { get; init; } = 256;

    internal int Fired;
    internal int Id;

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (string.IsNullOrEmpty(PathPrefix) || path.StartsWith(PathPrefix, StringComparison.Ordinal))
        && (PathPattern is null || PathPattern.IsMatch(path));

    public override string ToString() => $"{Kind} {PathPrefix}{PathPattern}";
}

/// <summary>The sandbox's fault injection: rules added by tests, consulted for every request in order.</summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly List<FaultRule> _rules = new();
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private int _seed;
    private int _nextRuleId;

    public FaultInjector(int seed) => _seed = seed;

    /// <summary>Adds a rule; returns it so a test can remove it.</summary>
    public FaultRule Add(FaultRule rule)
    {
        lock (_gate)
        {
            rule.Id = _nextRuleId++;
            _rules.Add(rule);
        }
        return rule;
    }

    public FaultRule Add(FaultKind kind, string? pathPrefix = null, double probability = 1.0, int? times = null, TimeSpan? delay = null, int retryAfterSeconds = 1, string? method = null) =>
        Add(new FaultRule { Kind = kind, PathPrefix = pathPrefix, Probability = probability, Times = times, Delay = delay ?? TimeSpan.FromMilliseconds(100), RetryAfterSeconds = retryAfterSeconds, Method = method });

    public void Remove(FaultRule rule)
    {
        lock (_gate) _rules.Remove(rule);
    }

    /// <summary>Removes every rule and restarts the random sequence from <paramref name="seed"/> when given.</summary>
    public void Clear(int? seed = null)
    {
        lock (_gate)
        {
            _rules.Clear();
            _attempts.Clear();
            _nextRuleId = 0;
            if (seed is { } s) _seed = s;
        }
    }

    /// <summary>How many times each rule fired.</summary>
    public int FiredCount(FaultRule rule)
    {
        lock (_gate) return rule.Fired;
    }

    /// <summary>
    /// Whether a probabilistic rule fires for the n-th request with this method and path: a hash of (seed, rule,
    /// method, path, n), so the decision for a request does not depend on how other requests interleave (parallel
    /// clients get the same faults on every run).
    /// </summary>
    private bool Fires(FaultRule r, string method, string path, int attempt)
    {
        if (r.Probability >= 1.0) return true;
        if (r.Probability <= 0.0) return false;
        var bytes = System.Text.Encoding.UTF8.GetBytes($"{_seed}|{r.Id}|{method}|{path}|{attempt}");
        var hash = System.Security.Cryptography.SHA256.HashData(bytes);
        var u = BitConverter.ToUInt64(hash, 0) / (double)ulong.MaxValue;
        return u < r.Probability;
    }

    /// <summary>
    /// The faults for this request, rules tried in the order they were added: latency and slow-body rules add up;
    /// the first terminal rule that fires (429, 500, 503, reset) ends the request, and the rules after it are not
    /// tried (their counts and the random sequence are left alone). Rules that match independently multiply:
    /// three terminal rules of 0.3, 0.3 and 0.2 fail a request with probability 1 - 0.7 * 0.7 * 0.8 = 0.61.
    /// </summary>
    internal IReadOnlyList<FaultRule> Decide(string method, string path)
    {
        lock (_gate)
        {
            if (_rules.Count == 0) return Array.Empty<FaultRule>();
            var key = method.ToUpperInvariant() + " " + path;
            _attempts.TryGetValue(key, out var attempt);
            _attempts[key] = attempt + 1;
            var chosen = new List<FaultRule>();
            foreach (var r in _rules)
            {
                if (!r.Matches(method, path)) continue;
                if (r.Times is { } t && r.Fired >= t) continue;
                if (!Fires(r, method.ToUpperInvariant(), path, attempt)) continue;
                r.Fired++;
                chosen.Add(r);
                if (r.Kind is not (FaultKind.Latency or FaultKind.SlowBody)) break;
            }
            return chosen;
        }
    }
}
