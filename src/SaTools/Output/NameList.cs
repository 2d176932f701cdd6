using System.Collections.ObjectModel;

namespace SaTools.Output;

/// <summary>
/// A list of names (pods, Secrets) that stays readable everywhere: PowerShell enumerates it like an array, and its
/// <see cref="ToString"/> joins the names with "; ", which is what Export-Csv and string expansion show (never
/// <c>System.String[]</c>).
/// </summary>
public sealed class NameList : ReadOnlyCollection<string>
{
    public static readonly NameList Empty = new(Array.Empty<string>());

    public NameList(IEnumerable<string> names) : base(names.ToList())
    {
    }

    public override string ToString() => string.Join("; ", this);
}
