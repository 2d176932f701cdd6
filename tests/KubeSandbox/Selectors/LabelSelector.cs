using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace KubeSandbox.Selectors;

/// <summary>
/// A label selector, parsed as k8s.io/apimachinery pkg/labels/selector.go parses the labelSelector query
/// parameter: equality (=, ==, !=), set-based (in, notin), existence (key, !key) and gt/lt, with that parser's
/// error messages.
/// </summary>
public sealed partial class LabelSelector
{
    private enum Op { Exists, DoesNotExist, Equals, NotEquals, In, NotIn, GreaterThan, LessThan }

    private sealed record Requirement(string Key, Op Op, IReadOnlyList<string> Values);

    private readonly List<Requirement> _requirements;

    private LabelSelector(List<Requirement> requirements) => _requirements = requirements;

    public static readonly LabelSelector Everything = new(new List<Requirement>());

    public bool IsEmpty => _requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var r in _requirements)
        {
            var has = labels.TryGetValue(r.Key, out var v);
            var ok = r.Op switch
            {
                Op.Exists => has,
                Op.DoesNotExist => !has,
                Op.Equals or Op.In => has && r.Values.Contains(v!),
                Op.NotEquals or Op.NotIn => !has || !r.Values.Contains(v!),
                Op.GreaterThan => has && long.TryParse(v, out var a) && a > long.Parse(r.Values[0]),
                Op.LessThan => has && long.TryParse(v, out var b) && b < long.Parse(r.Values[0]),
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>metav1.LabelSelectorAsSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).
    /// A null selector matches nothing; an empty one matches everything.</summary>
    public static LabelSelector? FromLabelSelectorObject(JsonObject? selector)
    {
        if (selector is null) return null;
        var reqs = new List<Requirement>();
        if (selector["matchLabels"] is JsonObject ml)
            foreach (var (k, v) in ml.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                reqs.Add(new Requirement(k, Op.Equals, new[] { v?.GetValue<string>() ?? "" }));
        if (selector["matchExpressions"] is JsonArray me)
            foreach (var e in me.OfType<JsonObject>())
            {
                var key = e["key"]?.GetValue<string>() ?? "";
                var values = (e["values"] as JsonArray)?.Select(x => x?.GetValue<string>() ?? "").ToArray() ?? Array.Empty<string>();
                var op = e["operator"]?.GetValue<string>() switch
                {
                    "In" => Op.In,
                    "NotIn" => Op.NotIn,
                    "Exists" => Op.Exists,
                    "DoesNotExist" => Op.DoesNotExist,
                    var other => throw new FormatException($"\"{other}\" is not a valid label selector operator"),
                };
                reqs.Add(new Requirement(key, op, values));
            }
        return new LabelSelector(reqs);
    }

    // ---------------------------------------------------------------- the parser of pkg/labels/selector.go
    private enum Tok { Error, EndOfString, ClosedPar, Comma, DoesNotExist, DoubleEquals, Equals, GreaterThan, Identifier, In, LessThan, NotEquals, NotIn, OpenPar }

    /// <summary>Parses a labelSelector; throws FormatException with the real parser's message.</summary>
    public static LabelSelector Parse(string text)
    {
        var tokens = Lex(text);
        var p = 0;
        (Tok, string) Lookahead(bool values)
        {
            var (t, l) = tokens[p];
            if (values && (t == Tok.In || t == Tok.NotIn)) t = Tok.Identifier;
            return (t, l);
        }
        (Tok, string) Consume(bool values)
        {
            var r = Lookahead(values);
            if (p < tokens.Count - 1) p++;
            return r;
        }

        var reqs = new List<Requirement>();
        while (true)
        {
            var (tok, lit) = Lookahead(true);
            switch (tok)
            {
                case Tok.Identifier or Tok.DoesNotExist:
                    Requirement r;
                    try { r = ParseRequirement(); }
                    catch (FormatException e) { throw new FormatException("unable to parse requirement: " + e.Message); }
                    reqs.Add(r);
                    var (t, l) = Consume(true);
                    switch (t)
                    {
                        case Tok.EndOfString: return new LabelSelector(reqs);
                        case Tok.Comma:
                            var (t2, l2) = Lookahead(true);
                            if (t2 != Tok.Identifier && t2 != Tok.DoesNotExist)
                                throw new FormatException($"found '{l2}', expected: identifier after ','");
                            break;
                        default: throw new FormatException($"found '{l}', expected: ',' or 'end of string'");
                    }
                    break;
                case Tok.EndOfString:
                    return new LabelSelector(reqs);
                default:
                    throw new FormatException($"found '{lit}', expected: !, identifier, or 'end of string'");
            }
        }

        Requirement ParseRequirement()
        {
            // parseKeyAndInferOperator
            Op? op = null;
            var (tok, lit) = Consume(true);
            if (tok == Tok.DoesNotExist) { op = Op.DoesNotExist; (tok, lit) = Consume(true); }
            if (tok != Tok.Identifier) throw new FormatException($"found '{lit}', expected: identifier");
            ValidateKey(lit);
            var key = lit;
            var (la, _) = Lookahead(true);
            if (la is Tok.EndOfString or Tok.Comma)
                return new Requirement(key, op ?? Op.Exists, Array.Empty<string>());
            if (op == Op.DoesNotExist) return new Requirement(key, Op.DoesNotExist, Array.Empty<string>());
            // parseOperator
            var (ot, olit) = Consume(false);
            Op oper = ot switch
            {
                Tok.DoesNotExist => Op.DoesNotExist,
                Tok.Equals or Tok.DoubleEquals => Op.Equals,
                Tok.NotEquals => Op.NotEquals,
                Tok.In => Op.In,
                Tok.NotIn => Op.NotIn,
                Tok.GreaterThan => Op.GreaterThan,
                Tok.LessThan => Op.LessThan,
                _ => throw new FormatException($"found '{olit}', expected: in, notin, =, ==, !=, gt, lt"),
            };
            List<string> values;
            if (oper is Op.In or Op.NotIn)
            {
                var (pt, plit) = Consume(true);
                if (pt != Tok.OpenPar) throw new FormatException($"found '{plit}' expected: '('");
                var (vt, vlit) = Lookahead(true);
                if (vt is Tok.Identifier or Tok.Comma)
                {
                    values = ParseIdentifiersList();
                    var (ct, _) = Consume(true);
                    if (ct != Tok.ClosedPar) throw new FormatException($"found '{vlit}', expected: ')'");
                }
                else if (vt == Tok.ClosedPar) { Consume(true); values = new List<string> { "" }; }
                else throw new FormatException($"found '{vlit}', expected: ',', ')' or identifier");
            }
            else if (oper == Op.DoesNotExist) values = new List<string>();
            else
            {
                var (vt, _) = Lookahead(true);
                if (vt is Tok.EndOfString or Tok.Comma) values = new List<string> { "" };
                else
                {
                    var (ct, clit) = Consume(true);
                    if (ct != Tok.Identifier) throw new FormatException($"found '{clit}', expected: identifier");
                    values = new List<string> { clit };
                }
            }
            // NewRequirement's checks
            if (oper is Op.GreaterThan or Op.LessThan)
            {
                if (values.Count != 1) throw new FormatException("values: Invalid value: " + GoSlice(values) + ": for 'Gt', 'Lt' operators, exactly one value is required");
                if (!long.TryParse(values[0], out _))
                    throw new FormatException($"values[0]: Invalid value: \"{values[0]}\": for 'Gt', 'Lt' operators, the value must be an integer");
            }
            for (var i = 0; i < values.Count; i++) ValidateValue(key, i, values[i]);
            return new Requirement(key, oper, values);
        }

        List<string> ParseIdentifiersList()
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            while (true)
            {
                var (tok, lit) = Consume(true);
                switch (tok)
                {
                    case Tok.Identifier:
                        set.Add(lit);
                        var (t2, l2) = Lookahead(true);
                        switch (t2)
                        {
                            case Tok.Comma: continue;
                            case Tok.ClosedPar: return set.ToList();
                            default: throw new FormatException($"found '{l2}', expected: ',' or ')'");
                        }
                    case Tok.Comma:
                        if (set.Count == 0) set.Add("");
                        var (t3, _) = Lookahead(true);
                        if (t3 == Tok.ClosedPar) { set.Add(""); return set.ToList(); }
                        if (t3 == Tok.Comma) { Consume(true); set.Add(""); }
                        continue;
                    default:
                        throw new FormatException($"found '{lit}', expected: ',', or identifier");
                }
            }
        }
    }

    private static string GoSlice(IEnumerable<string> v) => "[]string{" + string.Join(", ", v.Select(s => "\"" + s + "\"")) + "}";

    private static List<(Tok, string)> Lex(string s)
    {
        var result = new List<(Tok, string)>();
        var i = 0;
        static bool IsSpecial(char c) => c is '!' or '=' or '>' or '<' or ',' or '(' or ')';
        while (true)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            if (i >= s.Length) { result.Add((Tok.EndOfString, "")); return result; }
            var c = s[i];
            if (IsSpecial(c))
            {
                var start = i;
                while (i < s.Length && IsSpecial(s[i])) i++;
                var lit = s[start..i];
                // The lexer takes the longest run of special characters and maps it, or returns an error token.
                var tok = lit switch
                {
                    "!" => Tok.DoesNotExist,
                    "!=" => Tok.NotEquals,
                    "(" => Tok.OpenPar,
                    ")" => Tok.ClosedPar,
                    "," => Tok.Comma,
                    "=" => Tok.Equals,
                    "==" => Tok.DoubleEquals,
                    ">" => Tok.GreaterThan,
                    "<" => Tok.LessThan,
                    _ => Tok.Error,
                };
                if (tok == Tok.Error)
                {
                    // Go's scanSpecialSymbol takes the longest known prefix; emulate for runs like "=(" or "),".
                    var best = "";
                    foreach (var k in new[] { "!=", "==", "!", "(", ")", ",", "=", ">", "<" })
                        if (lit.StartsWith(k, StringComparison.Ordinal) && k.Length > best.Length) best = k;
                    if (best.Length == 0) { result.Add((Tok.Error, lit)); continue; }
                    i = start + best.Length;
                    tok = best switch { "!=" => Tok.NotEquals, "==" => Tok.DoubleEquals, "!" => Tok.DoesNotExist, "(" => Tok.OpenPar, ")" => Tok.ClosedPar, "," => Tok.Comma, "=" => Tok.Equals, ">" => Tok.GreaterThan, _ => Tok.LessThan };
                    lit = best;
                }
                result.Add((tok, lit));
            }
            else
            {
                var start = i;
                while (i < s.Length && !IsSpecial(s[i]) && !char.IsWhiteSpace(s[i])) i++;
                var lit = s[start..i];
                result.Add((lit switch { "in" => Tok.In, "notin" => Tok.NotIn, _ => Tok.Identifier }, lit));
            }
        }
    }

    // k8s.io/apimachinery pkg/util/validation/validation.go IsQualifiedName / IsValidLabelValue.
    private const string QualifiedNameMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string LabelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex NamePart();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    private static void ValidateKey(string key)
    {
        var errs = new List<string>();
        var parts = key.Split('/');
        string name;
        if (parts.Length == 1) name = parts[0];
        else if (parts.Length == 2)
        {
            name = parts[1];
            if (parts[0].Length == 0) errs.Add("prefix part must be non-empty");
            else if (!Subdomain().IsMatch(parts[0]))
                errs.Add("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        }
        else
        {
            throw new FormatException($"key: Invalid value: \"{key}\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        }
        if (name.Length == 0) errs.Add("name part must be non-empty");
        else if (name.Length > 63) errs.Add("name part must be no more than 63 characters");
        else if (!NamePart().IsMatch(name)) errs.Add(QualifiedNameMsg);
        if (errs.Count > 0) throw new FormatException($"key: Invalid value: \"{key}\": {string.Join("; ", errs)}");
    }

    private static void ValidateValue(string key, int index, string value)
    {
        if (value.Length == 0) return;
        if (value.Length > 63)
            throw new FormatException($"values[{index}][{key}]: Invalid value: \"{value}\": must be no more than 63 characters");
        if (!NamePart().IsMatch(value))
            throw new FormatException($"values[{index}][{key}]: Invalid value: \"{value}\": {LabelValueMsg}");
    }
}
