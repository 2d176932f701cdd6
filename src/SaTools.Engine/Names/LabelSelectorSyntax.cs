using System.Text.RegularExpressions;

namespace SaTools.Engine.Names;

/// <summary>
/// Checks a label selector (<c>app=web,tier!=db</c>, <c>env in (a,b)</c>, <c>!canary</c>) as the API server parses
/// it, so a typo is an error before any request rather than a 400 after one. The grammar and the token rules are
/// k8s.io/apimachinery <c>pkg/labels/selector.go</c> (Parse, Lexer): requirements joined by ',', each
/// <c>[!]key</c>, <c>key(=|==|!=)value</c>, <c>key (in|notin) (v1,v2)</c> or <c>key(&gt;|&lt;)integer</c>; keys are
/// qualified names and values label values (<c>pkg/util/validation/validation.go</c>: IsQualifiedName,
/// IsValidLabelValue).
/// </summary>
public static class LabelSelectorSyntax
{
    private const string NameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static readonly Regex Name = new("^" + NameFormat + "$", RegexOptions.CultureInvariant);

    /// <summary>Why <paramref name="selector"/> is not a label selector, or null when it is (the empty selector selects everything).</summary>
    public static string? Problem(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return null;
        var tokens = Tokenize(selector);
        var i = 0;
        string? Next() => i < tokens.Count ? tokens[i] : null;
        while (true)
        {
            var negated = Next() == "!";
            if (negated) i++;
            var key = Next();
            if (key is null || IsOperator(key)) return $"expected a label key{(key is null ? " at the end" : $" before '{key}'")}";
            i++;
            if (KeyProblem(key) is { } keyProblem) return $"'{key}': {keyProblem}";
            var op = Next();
            if (!negated && op is "=" or "==" or "!=")
            {
                i++;
                var value = Next() is { } v && !IsOperator(v) ? v : "";
                if (value.Length > 0) i++;
                if (ValueProblem(value) is { } valueProblem) return $"'{value}': {valueProblem}";
            }
            else if (!negated && op is "in" or "notin")
            {
                i++;
                if (Next() != "(") return $"expected '(' after '{op}'";
                i++;
                while (true)
                {
                    var value = Next() is { } v && !IsOperator(v) ? v : "";
                    if (value.Length > 0) i++;
                    if (ValueProblem(value) is { } valueProblem) return $"'{value}': {valueProblem}";
                    if (Next() == ",") { i++; continue; }
                    if (Next() == ")") { i++; break; }
                    return $"expected ',' or ')' in the values of '{key}'";
                }
            }
            else if (!negated && op is ">" or "<")
            {
                i++;
                if (Next() is not { } n || !long.TryParse(n, out _)) return $"'{key} {op}' needs an integer";
                i++;
            }
            if (Next() is null) return null;
            if (Next() != ",") return $"expected ',' before '{Next()}'";
            i++;
        }
    }

    private static bool IsOperator(string t) => t is "!" or "=" or "==" or "!=" or "," or "(" or ")" or ">" or "<";

    /// <summary>IsQualifiedName: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63 characters.</summary>
    private static string? KeyProblem(string key)
    {
        var slash = key.IndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0) return "the prefix before '/' is empty";
            if (KubeNames.IsDns1123Subdomain(prefix).FirstOrDefault() is { } p) return "the prefix " + p;
        }
        if (name.Length == 0) return "a label key needs a name";
        if (name.Length > 63) return "a label key's name must be no more than 63 characters";
        return Name.IsMatch(name) ? null : "a label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    }

    /// <summary>IsValidLabelValue: empty, or at most 63 characters of the name format.</summary>
    private static string? ValueProblem(string value)
    {
        if (value.Length == 0) return null;
        if (value.Length > 63) return "a label value must be no more than 63 characters";
        return Name.IsMatch(value) ? null : "a label value must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    }

    /// <summary>The Lexer of selector.go: operators, and identifiers running up to whitespace or an operator.</summary>
    private static List<string> Tokenize(string s)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '=' or '!' && i + 1 < s.Length && s[i + 1] == '=') { tokens.Add(s.Substring(i, 2)); i += 2; continue; }
            if (c is '!' or '=' or ',' or '(' or ')' or '>' or '<') { tokens.Add(c.ToString()); i++; continue; }
            var start = i;
            while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not ('!' or '=' or ',' or '(' or ')' or '>' or '<')) i++;
            tokens.Add(s[start..i]);
        }
        return tokens;
    }
}
