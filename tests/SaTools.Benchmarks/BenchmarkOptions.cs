using System.Globalization;

namespace SaTools.Benchmarks;

/// <summary>The command line: <c>[--quick] [--latency-ms 5] [--repetitions N] [--output bench-results.json]</c>
/// and the development knobs <c>--scale F</c>, <c>--peer-sample N</c>, <c>--skip-peers</c>.</summary>
public sealed class BenchmarkOptions
{
    public const string Usage =
        "dotnet run -c Release --project tests/SaTools.Benchmarks -- [--quick] [--latency-ms 5] [--repetitions N] " +
        "[--output bench-results.json] [--scale FRACTION] [--peer-sample N] [--skip-peers]";

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

    public ScaleSpec Scale => ScaleSpec.Full.Scaled(ScaleFraction);

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        bool quick = args.Contains("--quick");
        int? latency = null, repetitions = null, peerSample = null;
        double? scale = null;
        string? output = null;
        bool skipPeers = false;
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
                case "--scale":
                    var text = Value(args, ref i);
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) || f <= 0 || f > 1)
                        throw new ArgumentException($"--scale wants a fraction in (0, 1], not '{text}'.");
                    scale = f;
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
        };
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
