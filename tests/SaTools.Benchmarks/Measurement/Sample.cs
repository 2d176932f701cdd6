namespace SaTools.Benchmarks.Measurement;

/// <summary>Deterministic samples: the same cluster gives the same sample, spread over the whole list.</summary>
public static class Sample
{
    /// <summary><paramref name="count"/> items at even steps through <paramref name="items"/> (all when fewer).</summary>
    public static IReadOnlyList<T> Evenly<T>(IReadOnlyList<T> items, int count, int offset = 0)
    {
        if (count >= items.Count) return items;
        var step = (double)items.Count / count;
        return Enumerable.Range(0, count).Select(i => items[((int)(i * step) + offset) % items.Count]).ToList();
    }
}
