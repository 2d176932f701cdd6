using System.Globalization;

namespace SaTools.Benchmarks;

/// <summary>The command line: <c>[--quick] [--latency-ms 5] [--repetitions N] [--output bench-results.json]</c>,
/// the scaling run <c>--scaling [0.5,1,2]</c> and the development knobs <c>--scale F</c>, <c>--peer-sample N</c>,
/// <c>--skip-peers</c>, <c>--only w2,w6</c>.</summary>
public sealed class BenchmarkOptions
{
    public const string Usage =
        "dotnet run -c Release --project tests/SaTools.Benchmarks -- [--quick] [--latency-ms 5] [--repetitions N] " +
        "[--output bench-results.json] [--scale FRACTION] [--scaling [0.5,1,2]] [--peer-sample N] [--skip-peers] [--only w1,w6]";

    /// <summary>The scales of the scaling run when <c>--scaling</c> names none (issue 18: half, full, double).</summary>
    public static readonly IReadOnlyList<double> DefaultScalingFractions = [0.5, 1, 2];

    /// <summary>The largest fraction <c>--scale</c> and <c>--scaling</c> take (4x the sizes: 160,000 pods).</summary>
    public const double MaxFraction = 4;

    /// <summary>A tenth of the scale, fewer repetitions and smaller kubectl samples: under two minutes.</summary>
    public bool Quick { get; private init; }

    /// <summary>Injected latency per request (issue 7: 5 ms by default).</summary>
    public int LatencyMs { get; private init; } = 5;

    /// <summary>Issue 6 proves the automount speed-up at 20 ms per request; that variant always runs at this latency.</summary>
    public int SlowLatencyMs { get; private init; } = 20;

    public int Repetitions { get; private init; }

    public string OutputPath { get; private init; } = "bench-results.json";

    /// <summary>The fraction of the full scale (1 = the sizes; --quick = 0.1).</summary>
    public double ScaleFraction { get; private init; }

    /// <summary>How many namespaces (peer a) or ServiceAccounts (peer b) each kubectl loop runs per repetition.</summary>
    public int PeerSample { get; private init; }

    /// <summary>ServiceAccounts that workload 5 mints and reviews tokens for (issue 7: 500; quick: 50).</summary>
    public int TokenServiceAccounts { get; private init; }

    public bool SkipPeers { get; private init; }

    /// <summary>The scales of the scaling run (issue 18), smallest first; empty for the ordinary run. The scaling
    /// run reads only the list workloads, each at every scale against its own sandbox.</summary>
    public IReadOnlyList<double> ScalingFractions { get; private init; } = Array.Empty<double>();

    public bool IsScalingRun => ScalingFractions.Count > 0;

    /// <summary>Runs only the workloads and peers whose key starts with one of these (<c>w6</c>,
    /// <c>w6-serviceaccount-usage-summary</c>); empty: all of them.</summary>
    public IReadOnlyList<string> Only { get; private init; } = Array.Empty<string>();

    public bool Includes(string key) => Only.Count == 0 || Only.Any(o => key.StartsWith(o, StringComparison.OrdinalIgnoreCase));

    public ScaleSpec Scale => ScaleSpec.Full.Scaled(ScaleFraction);

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        bool quick = args.Contains("--quick");
        int? latency = null, repetitions = null, peerSample = null;
        double? scale = null;
        string? output = null;
        bool skipPeers = false;
        IReadOnlyList<double> scaling = Array.Empty<double>();
        IReadOnlyList<string> only = Array.Empty<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick": break;
                case "--skip-peers": skipPeers = true; break;
                case "--latency-ms": latency = ParseInt(args, ref i, min: 0); break;
                case "--repetitions": repetitions = ParseInt(args, ref i, min: 1); break;
                case "--peer-sample": peerSample = ParseInt(args, ref i, min: 1); break;
                case "--output": output = Value(args, ref i); break;
                case "--only":
                    only = Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--scale":
                    scale = ParseFraction("--scale", Value(args, ref i));
                    break;
                case "--scaling":
                    // The value is optional: "--scaling" alone is half, full and double scale.
                    scaling = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                        ? args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                            .Select(t => ParseFraction("--scaling", t)).Distinct().Order().ToList()
                        : DefaultScalingFractions;
                    if (scaling.Count == 0) throw new ArgumentException("--scaling wants fractions such as 0.5,1,2.");
                    break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        var fraction = scale ?? (quick ? 0.1 : 1.0);
        return new BenchmarkOptions
        {
            Quick = quick,
            LatencyMs = latency ?? 5,
            Repetitions = repetitions ?? (quick ? 2 : 3),
            OutputPath = output ?? "bench-results.json",
            ScaleFraction = fraction,
            PeerSample = peerSample ?? (quick ? 10 : 30),
            TokenServiceAccounts = Math.Max(1, (int)Math.Round(500 * fraction)),
            SkipPeers = skipPeers,
            ScalingFractions = scaling,
            Only = only,
        };
    }

    private static double ParseFraction(string name, string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) || f <= 0 || f > MaxFraction)
            throw new ArgumentException($"{name} wants a fraction of the full scale in (0, {MaxFraction.ToString(CultureInfo.InvariantCulture)}], not '{text}'.");
        return f;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count) throw new ArgumentException($"{args[i]} needs a value.");
        return args[++i];
    }

    private static int ParseInt(IReadOnlyList<string> args, ref int i, int min)
    {
        var name = args[i];
        var text = Value(args, ref i);
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min)
            throw new ArgumentException($"{name} wants a whole number >= {min}, not '{text}'.");
        return v;
    }
}
