using System.Collections;
using System.Management.Automation;
using System.Reflection;
using System.Security;

namespace SaTools.Module.Tests.Tokens;

/// <summary>
/// Runs a script with every stream captured (output, error, warning, verbose, debug, information, progress) and
/// fails if a token, or its payload or signature segment, appears anywhere except in a SecureString (or, when
/// allowed, in the Token property of an -AsPlainText object).
/// </summary>
public static class SecretScanner
{
    public sealed class Capture
    {
        public List<PSObject> Output { get; } = new();
        public List<ErrorRecord> Errors { get; } = new();
        public List<string> Texts { get; } = new();
        /// <summary>Each output object's default table view, cell by cell, as Format-Table would show it.</summary>
        public List<string> ViewCells { get; } = new();
    }

    public static Capture Run(ModuleSession session, string script, params object?[] args)
    {
        using var ps = session.Create();
        ps.AddScript("$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $WarningPreference = 'Continue'; $ProgressPreference = 'Continue'\n" + script);
        foreach (var arg in args) ps.AddArgument(arg);
        var capture = new Capture();
        try
        {
            capture.Output.AddRange(ps.Invoke());
        }
        catch (RuntimeException e)
        {
            capture.Errors.Add(e.ErrorRecord);
            capture.Texts.Add(e.ToString());
        }
        capture.Errors.AddRange(ps.Streams.Error);
        capture.Texts.AddRange(ps.Streams.Warning.Select(w => w.Message));
        capture.Texts.AddRange(ps.Streams.Verbose.Select(v => v.Message));
        capture.Texts.AddRange(ps.Streams.Debug.Select(d => d.Message));
        capture.Texts.AddRange(ps.Streams.Information.Select(i => $"{i.MessageData} {i.Source} {string.Join(",", i.Tags)}"));
        capture.Texts.AddRange(ps.Streams.Progress.Select(p => $"{p.Activity} {p.StatusDescription} {p.CurrentOperation}"));
        foreach (var output in capture.Output)
        {
            capture.ViewCells.AddRange(RenderDefaultView(session, output));
        }
        return capture;
    }

    /// <summary>
    /// The cells of the object's view in SaTools.Format.ps1xml: each PropertyName column's value and each
    /// ScriptBlock column evaluated with $_ = the object. (A hosted runspace has no Out-String to render the table,
    /// so the view is evaluated column by column.) An object of a type without a view renders nothing here; its
    /// properties are still scanned.
    /// </summary>
    public static IEnumerable<string> RenderDefaultView(ModuleSession session, PSObject output)
    {
        var typeName = output.BaseObject.GetType().FullName;
        var view = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.ModuleDirectory, "SaTools.Format.ps1xml"))
            .Descendants("View").SingleOrDefault(v => v.Element("ViewSelectedBy")?.Element("TypeName")?.Value == typeName);
        if (view is null)
        {
            yield break;
        }
        foreach (var item in view.Descendants("TableColumnItem"))
        {
            if (item.Element("PropertyName")?.Value is { } name)
            {
                var value = output.Properties[name]?.Value;
                Assert.True(output.Properties[name] is not null, $"The view of {typeName} names a missing property {name}.");
                yield return value is null ? "" : LanguagePrimitives.ConvertTo<string>(value);
            }
            else if (item.Element("ScriptBlock")?.Value is { } script)
            {
                var rendered = session.Run("$args[0] | ForEach-Object ([scriptblock]::Create($args[1]))", output, script);
                yield return string.Join(" ", rendered.Select(r => r?.ToString() ?? ""));
            }
        }
    }

    /// <summary>The pieces of a token that must not leak: the whole token, its payload segment and its signature.</summary>
    private static IEnumerable<string> Needles(string token)
    {
        var parts = token.Split('.');
        yield return token;
        if (parts.Length == 3)
        {
            yield return parts[1];
            if (parts[2].Length >= 16) yield return parts[2];
        }
    }

    public static void AssertNoToken(Capture capture, string token, bool plainTextTokenPropertyAllowed = false)
    {
        var places = new List<(string Where, string Text)>();
        places.AddRange(capture.Texts.Select(t => ("stream", t)));
        foreach (var error in capture.Errors)
        {
            places.Add(("error", error.ToString()));
            places.Add(("error exception", error.Exception.ToString()));
            places.Add(("error target", error.TargetObject?.ToString() ?? ""));
            places.Add(("error category", error.CategoryInfo.ToString()));
            places.Add(("error details", error.ErrorDetails?.Message ?? ""));
            places.Add(("error id", error.FullyQualifiedErrorId));
        }
        places.AddRange(capture.ViewCells.Select(c => ("default view cell", c)));
        foreach (var output in capture.Output)
        {
            places.Add(("output ToString", output.ToString()));
            places.Add(("output BaseObject ToString", output.BaseObject.ToString() ?? ""));
            places.AddRange(CsvCells(output).Select(c => ("csv cell", c)));
            Walk(output, "output", places, new HashSet<object>(ReferenceEqualityComparer.Instance), 0, plainTextTokenPropertyAllowed);
        }
        foreach (var needle in Needles(token))
        {
            foreach (var (where, text) in places)
            {
                Assert.False(text.Contains(needle, StringComparison.Ordinal), $"The token leaked in {where}.");
            }
        }
    }

    /// <summary>What Export-Csv writes for each property: the value converted to string as PowerShell does
    /// (ConvertTo-Csv is not in a hosted System.Management.Automation, so each property is rendered here).</summary>
    private static IEnumerable<string> CsvCells(PSObject output)
    {
        foreach (var property in output.Properties)
        {
            object? value;
            try
            {
                value = property.Value;
            }
            catch (GetValueException)
            {
                continue;
            }
            if (property.Name == "Token" && value is string)
            {
                continue; // -AsPlainText: the one allowed place, checked by the caller
            }
            yield return value is null ? "" : LanguagePrimitives.ConvertTo<string>(value);
        }
    }

    private static void Walk(PSObject obj, string path, List<(string, string)> places, HashSet<object> seen, int depth, bool plainAllowed)
    {
        if (depth > 4 || !seen.Add(obj.BaseObject))
        {
            return;
        }
        foreach (var (name, read) in Members(obj))
        {
            object? value;
            try
            {
                value = read();
            }
            catch (Exception) // a getter that throws (GetValueException, TargetInvocationException...) shows nothing
            {
                continue;
            }
            var where = path + "." + name;
            if (depth == 0 && name == "Token" && plainAllowed && value is string)
            {
                continue;
            }
            AddValue(value, where, places, seen, depth, plainAllowed);
        }
    }

    /// <summary>The object's PowerShell properties, and the public .NET properties PowerShell hides ([Hidden], as
    /// K8sBoundToken.Token): hidden from views and Export-Csv, they are still one <c>$x.Name</c> away.</summary>
    private static IEnumerable<(string Name, Func<object?> Read)> Members(PSObject obj)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in obj.Properties)
        {
            names.Add(property.Name);
            yield return (property.Name, () => property.Value);
        }
        foreach (var property in obj.BaseObject.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && !names.Contains(property.Name))
            {
                yield return (property.Name, () => property.GetValue(obj.BaseObject));
            }
        }
    }

    private static void AddValue(object? value, string where, List<(string, string)> places, HashSet<object> seen, int depth, bool plainAllowed)
    {
        switch (value)
        {
            case null:
                return;
            case SecureString:
                return; // the one place a token may be
            case string text:
                places.Add((where, text));
                return;
            case PSObject wrapped:
                AddValue(wrapped.BaseObject, where, places, seen, depth, plainAllowed);
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    places.Add((where + " key", entry.Key?.ToString() ?? ""));
                    AddValue(entry.Value, where + "[" + entry.Key + "]", places, seen, depth + 1, plainAllowed);
                }
                return;
            case IEnumerable items:
                foreach (var item in items)
                {
                    AddValue(item, where + "[]", places, seen, depth + 1, plainAllowed);
                }
                return;
        }
        places.Add((where, value.ToString() ?? ""));
        if (!value.GetType().IsPrimitive && value is not DateTime and not TimeSpan and not DateTimeOffset and not Enum and not decimal)
        {
            Walk(PSObject.AsPSObject(value), where, places, seen, depth + 1, plainAllowed);
        }
    }
}
