using System.Collections.ObjectModel;

namespace SaTools.Output;

/// <summary>
/// A read-only list of strings that Export-Csv writes as <c>a; b; c</c> instead of <c>System.String[]</c>
/// (Export-Csv takes each property's ToString()). In PowerShell it is still a list: <c>-contains</c>,
/// <c>foreach</c>, <c>.Count</c> and indexing work.
/// </summary>
public sealed class StringList : ReadOnlyCollection<string>
{
    /// <summary>The separator between items in the text form.</summary>
    public const string Separator = "; ";

    public StringList(IEnumerable<string> items)
        : base(items.ToList())
    {
    }

    public override string ToString() => string.Join(Separator, this);
}
