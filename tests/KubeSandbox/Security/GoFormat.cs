using System.Text;

namespace KubeSandbox.Security;

/// <summary>The bits of Go's fmt the real server's messages are built with, so texts match byte for byte.</summary>
internal static class GoFormat
{
    /// <summary>strconv.Quote / %q of a string.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2"));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>%q of a []string: <c>["a" "b"]</c>.</summary>
    public static string QuoteList(IEnumerable<string> items) => "[" + string.Join(" ", items.Select(Quote)) + "]";

    /// <summary>utilerrors.NewAggregate(errs).Error(): one message alone, several (deduplicated) in brackets.</summary>
    public static string Aggregate(IEnumerable<string> messages)
    {
        var distinct = new List<string>();
        foreach (var m in messages)
        {
            if (!distinct.Contains(m))
            {
                distinct.Add(m);
            }
        }
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }
}
