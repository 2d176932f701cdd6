using System.Text;
using System.Text.RegularExpressions;

namespace SaTools.Engine.Names;

/// <summary>
/// A namespace name or a PowerShell-style wildcard (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-z]</c>), matched
/// case-insensitively as PowerShell's <c>WildcardPattern</c> does. The engine cannot reference PowerShell, so the
/// few wildcard rules namespace names need live here. Kubernetes names are lowercase DNS labels, so the
/// case-insensitive match never confuses two real namespaces.
/// </summary>
public sealed class NamePattern
{
    private readonly Regex? _regex;

    public NamePattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Pattern = pattern;
        IsWildcard = pattern.IndexOfAny(['*', '?', '[']) >= 0;
        if (IsWildcard)
        {
            try
            {
                _regex = new Regex(ToRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            }
            catch (RegexParseException)
            {
                // An empty or reversed set ("a[]", "[z-a]") matches nothing PowerShell would accept either.
                throw new ArgumentException($"'{pattern}' is not a valid wildcard pattern: a [...] set must name at least one character, in order.", nameof(pattern));
            }
        }
    }

    /// <summary>The pattern as given.</summary>
    public string Pattern { get; }

    /// <summary>True when the pattern holds a wildcard character and may match any number of names.</summary>
    public bool IsWildcard { get; }

    public bool Matches(string name) =>
        _regex?.IsMatch(name) ?? string.Equals(name, Pattern, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Pattern;

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }
                    var set = pattern.Substring(i + 1, close - i - 1);
                    sb.Append('[').Append(Regex.Escape(set).Replace(@"\-", "-")).Append(']');
                    i = close;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return sb.Append('$').ToString();
    }
}
