using System.Collections.Concurrent;

namespace SaTools.Completion;

/// <summary>
/// Completion results kept for a short while, so pressing Tab twice does not ask the cluster twice
/// (SecretManagement VaultNameCompleter, PSResourceGet src/code/ArgumentCompleter.cs).
/// </summary>
internal static class CompletionCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<string, (DateTime At, IReadOnlyList<string> Values)> Entries = new();

    public static IReadOnlyList<string> GetOrAdd(string key, Func<IReadOnlyList<string>> load)
    {
        if (Entries.TryGetValue(key, out var entry) && DateTime.UtcNow - entry.At < Lifetime) return entry.Values;
        var values = load();
        if (values.Count > 0) Entries[key] = (DateTime.UtcNow, values);
        return values;
    }
}
