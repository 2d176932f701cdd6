namespace SaTools.Output;

/// <summary>
/// Labels or annotations: a dictionary (<c>$sa.Labels['app']</c>, <c>$sa.Labels.app</c>) whose text form, which
/// Export-Csv writes, is <c>key=value; key2=value2</c> sorted by key.
/// </summary>
public sealed class StringMap : Dictionary<string, string>
{
    public StringMap(IEnumerable<KeyValuePair<string, string>> pairs)
        : base(StringComparer.Ordinal)
    {
        foreach (var (key, value) in pairs) this[key] = value;
    }

    public override string ToString() =>
        string.Join(StringList.Separator, this.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
}
