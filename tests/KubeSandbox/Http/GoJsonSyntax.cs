using System.Text;

namespace KubeSandbox.Http;

/// <summary>
/// Checks JSON syntax and reports the first error with the wording of Go's encoding/json scanner
/// (src/encoding/json/scanner.go), which the real server puts into its decode errors.
/// </summary>
public static class GoJsonSyntax
{
    /// <summary>Null when <paramref name="s"/> is valid JSON, else Go's error text.</summary>
    public static string? Check(string s)
    {
        var i = 0;
        try
        {
            SkipWs(s, ref i);
            Value(s, ref i, "looking for beginning of value");
            SkipWs(s, ref i);
            if (i < s.Length) return $"invalid character {Quote(s[i])} after top-level value";
            return null;
        }
        catch (SyntaxError e) { return e.Message; }
    }

    private sealed class SyntaxError(string m) : Exception(m);

    private static SyntaxError Eof() => new("unexpected end of JSON input");

    private static void SkipWs(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\r' or '\n') i++;
    }

    private static void Value(string s, ref int i, string context)
    {
        if (i >= s.Length) throw Eof();
        var c = s[i];
        switch (c)
        {
            case '{': Obj(s, ref i); return;
            case '[': Arr(s, ref i); return;
            case '"': Str(s, ref i); return;
            case 't': Lit(s, ref i, "true"); return;
            case 'f': Lit(s, ref i, "false"); return;
            case 'n': Lit(s, ref i, "null"); return;
            default:
                if (c == '-' || char.IsAsciiDigit(c)) { Num(s, ref i); return; }
                throw new SyntaxError($"invalid character {Quote(c)} {context}");
        }
    }

    private static void Obj(string s, ref int i)
    {
        i++;
        SkipWs(s, ref i);
        if (i >= s.Length) throw Eof();
        if (s[i] == '}') { i++; return; }
        while (true)
        {
            SkipWs(s, ref i);
            if (i >= s.Length) throw Eof();
            if (s[i] != '"') throw new SyntaxError($"invalid character {Quote(s[i])} looking for beginning of object key string");
            Str(s, ref i);
            SkipWs(s, ref i);
            if (i >= s.Length) throw Eof();
            if (s[i] != ':') throw new SyntaxError($"invalid character {Quote(s[i])} after object key");
            i++;
            SkipWs(s, ref i);
            Value(s, ref i, "looking for beginning of value");
            SkipWs(s, ref i);
            if (i >= s.Length) throw Eof();
            if (s[i] == ',') { i++; continue; }
            if (s[i] == '}') { i++; return; }
            throw new SyntaxError($"invalid character {Quote(s[i])} after object key:value pair");
        }
    }

    private static void Arr(string s, ref int i)
    {
        i++;
        SkipWs(s, ref i);
        if (i >= s.Length) throw Eof();
        if (s[i] == ']') { i++; return; }
        while (true)
        {
            SkipWs(s, ref i);
            Value(s, ref i, "looking for beginning of value");
            SkipWs(s, ref i);
            if (i >= s.Length) throw Eof();
            if (s[i] == ',') { i++; continue; }
            if (s[i] == ']') { i++; return; }
            throw new SyntaxError($"invalid character {Quote(s[i])} after array element");
        }
    }

    private static void Str(string s, ref int i)
    {
        i++;
        while (true)
        {
            if (i >= s.Length) throw Eof();
            var c = s[i];
            if (c == '"') { i++; return; }
            if (c < 0x20) throw new SyntaxError($"invalid character {Quote(c)} in string literal");
            if (c == '\\')
            {
                i++;
                if (i >= s.Length) throw Eof();
                var e = s[i];
                if (e == 'u')
                {
                    for (var k = 1; k <= 4; k++)
                    {
                        if (i + k >= s.Length) throw Eof();
                        if (!Uri.IsHexDigit(s[i + k])) throw new SyntaxError($"invalid character {Quote(s[i + k])} in \\u hexadecimal character escape");
                    }
                    i += 5;
                    continue;
                }
                if (e is not ('"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't'))
                    throw new SyntaxError($"invalid character {Quote(e)} in string escape code");
            }
            i++;
        }
    }

    private static void Lit(string s, ref int i, string lit)
    {
        for (var k = 0; k < lit.Length; k++)
        {
            if (i + k >= s.Length) throw Eof();
            if (s[i + k] != lit[k]) throw new SyntaxError($"invalid character {Quote(s[i + k])} in literal {lit} (expecting {Quote(lit[k])})");
        }
        i += lit.Length;
    }

    private static void Num(string s, ref int i)
    {
        if (s[i] == '-')
        {
            i++;
            if (i >= s.Length) throw Eof();
            if (!char.IsAsciiDigit(s[i])) throw new SyntaxError($"invalid character {Quote(s[i])} in numeric literal");
        }
        if (s[i] == '0') i++;
        else while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i < s.Length && s[i] == '.')
        {
            i++;
            if (i >= s.Length) throw Eof();
            if (!char.IsAsciiDigit(s[i])) throw new SyntaxError($"invalid character {Quote(s[i])} after decimal point in numeric literal");
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        }
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-') i++;
            if (i >= s.Length) throw Eof();
            if (!char.IsAsciiDigit(s[i])) throw new SyntaxError($"invalid character {Quote(s[i])} in exponent of numeric literal");
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        }
    }

    /// <summary>Go's quoteChar: 'x', with '\'' and '"' special-cased and control characters escaped.</summary>
    private static string Quote(char c)
    {
        if (c == '\'') return "'\\''";
        if (c == '"') return "'\"'";
        var sb = new StringBuilder("'");
        switch (c)
        {
            case '\n': sb.Append("\\n"); break;
            case '\r': sb.Append("\\r"); break;
            case '\t': sb.Append("\\t"); break;
            default:
                if (c < 0x20) sb.Append($"\\x{(int)c:x2}");
                else sb.Append(c);
                break;
        }
        return sb.Append('\'').ToString();
    }
}
