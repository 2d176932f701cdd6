namespace SaTools.Benchmarks.Measurement;

/// <summary>Median, min and max of a run's repetitions.</summary>
public readonly record struct Stats(double Median, double Min, double Max)
{
    public static Stats Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Stats(median, sorted[0], sorted[^1]);
    }
}
