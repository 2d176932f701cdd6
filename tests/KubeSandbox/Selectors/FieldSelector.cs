using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.Selectors;

/// <summary>
/// A field selector as k8s.io/apimachinery pkg/fields/selector.go parses it (key=value, key==value, key!=value,
/// comma separated, backslash escapes), checked against the fields each resource supports (the field label
/// conversion functions of pkg/apis/core/v1/conversion.go; other kinds get DefaultMetaV1FieldSelectorConversion).
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(List<(string, bool, string)> terms) => _terms = terms;

    public static readonly FieldSelector Everything = new(new List<(string, bool, string)>());

    public bool IsEmpty => _terms.Count == 0;

    /// <summary>The value of an exact metadata.name=x requirement (fields.Selector.RequiresExactMatch).</summary>
    public string? ExactName => _terms.Where(t => t.Field == "metadata.name" && t.Equal).Select(t => t.Value).FirstOrDefault();

    public string? ExactNamespace => _terms.Where(t => t.Field == "metadata.namespace" && t.Equal).Select(t => t.Value).FirstOrDefault();

    public static FieldSelector Parse(string text, ResourceType type)
    {
        var terms = new List<(string, bool, string)>();
        foreach (var part in SplitTerms(text))
        {
            if (part.Length == 0) continue;
            string field, value; bool equal;
            int idx;
            if ((idx = IndexOfOperator(part, "!=")) >= 0) { field = part[..idx]; value = part[(idx + 2)..]; equal = false; }
            else if ((idx = IndexOfOperator(part, "==")) >= 0) { field = part[..idx]; value = part[(idx + 2)..]; equal = true; }
            else if ((idx = IndexOfOperator(part, "=")) >= 0) { field = part[..idx]; value = part[(idx + 1)..]; equal = true; }
            else throw StatusErrors.BadRequest($"invalid selector: '{text}'; can't understand '{part}'");
            terms.Add((field, equal, Unescape(value)));
        }
        foreach (var (field, _, _) in terms)
            CheckSupported(type, field);
        return new FieldSelector(terms);
    }

    private static void CheckSupported(ResourceType type, string field)
    {
        if (field is "metadata.name") return;
        if (field is "metadata.namespace" && type.Plural != "namespaces") return;
        if (type.ExtraFieldSelectors.Contains(field)) return;
        // pods, secrets and namespaces have their own conversion functions with this message.
        if (type.Plural is "pods" or "secrets" or "namespaces")
            throw StatusErrors.BadRequest($"field label not supported: {field}");
        // batch/v1 Job's conversion function (pkg/apis/batch/v1/conversion.go addConversionFuncs).
        if (type.Plural is "jobs")
            throw StatusErrors.BadRequest($"field label \"{field}\" not supported for batchv1.Job");
        throw StatusErrors.BadRequest($"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
    }

    public bool Matches(StoredObject obj)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = obj.FieldValue(field);
            if ((actual == value) != equal) return false;
        }
        return true;
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = FieldValue(obj, field);
            if ((actual == value) != equal) return false;
        }
        return true;
    }

    /// <summary>The value a field selector compares (the registries' GetAttrs / ToSelectableFields).</summary>
    public static string FieldValue(JsonObject obj, string field)
    {
        // JobToSelectableFields: "status.successful" is strconv.Itoa(job.Status.Succeeded), 0 when unset.
        if (field == "status.successful" && obj["kind"]?.GetValue<string>() == "Job")
            return obj["status"]?["succeeded"]?.ToJsonString() ?? "0";
        // NodeToSelectableFields: "spec.unschedulable" is fmt.Sprint(node.Spec.Unschedulable), false when unset.
        if (field == "spec.unschedulable" && obj["kind"]?.GetValue<string>() == "Node")
            return obj["spec"]?["unschedulable"]?.GetValue<bool>() == true ? "true" : "false";
        JsonNode? node = obj;
        foreach (var seg in field.Split('.'))
            node = node is JsonObject o ? o[seg] : null;
        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            _ => node.ToJsonString(),
        };
    }

    private static IEnumerable<string> SplitTerms(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length) { sb.Append(s[i]).Append(s[i + 1]); i++; continue; }
            if (s[i] == ',') { yield return sb.ToString(); sb.Clear(); continue; }
            sb.Append(s[i]);
        }
        yield return sb.ToString();
    }

    private static int IndexOfOperator(string s, string op)
    {
        for (var i = 0; i + op.Length <= s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (string.CompareOrdinal(s, i, op, 0, op.Length) == 0) return i;
        }
        return -1;
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length) { sb.Append(s[i + 1]); i++; }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
