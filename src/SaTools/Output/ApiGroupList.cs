using System.Collections.ObjectModel;

namespace SaTools.Output;

/// <summary>
/// API groups: a list whose values are the real group names (the core group is the empty string, so
/// <c>$row.ApiGroups -contains ''</c> works) and whose text form, which tables and Export-Csv show, writes the
/// core group as <c>""</c> as kubectl does, so it is not mistaken for "no group".
/// </summary>
public sealed class ApiGroupList : ReadOnlyCollection<string>
{
    public ApiGroupList(IEnumerable<string> groups)
        : base(groups.ToList())
    {
    }

    public override string ToString() => string.Join(StringList.Separator, this.Select(g => g.Length == 0 ? "\"\"" : g));
}
