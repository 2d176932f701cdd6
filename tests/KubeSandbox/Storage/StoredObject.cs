using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeSandbox.Storage;

/// <summary>
/// One stored object version, kept as its JSON bytes (a parsed tree costs several times the memory, and the
/// scale scenario stores 80,000 objects). Never changed after it is stored: readers share it, lists and paging
/// snapshots hold references to it. Labels and the fields selectors read are extracted once; <see cref="Object"/>
/// parses a fresh tree on each call, so callers may keep or change what they get.
/// </summary>
public sealed class StoredObject
{
    private readonly Dictionary<string, string>? _fields;

    public StoredObject(string? @namespace, string name, long resourceVersion, JsonObject obj, IReadOnlyList<string>? selectableFields = null)
        : this(@namespace, name, resourceVersion, obj, JsonSerializer.SerializeToUtf8Bytes(obj), selectableFields)
    {
    }

    internal StoredObject(string? @namespace, string name, long resourceVersion, JsonObject obj, byte[] json, IReadOnlyList<string>? selectableFields)
    {
        Namespace = @namespace;
        Name = name;
        ResourceVersion = resourceVersion;
        Json = json;
        ItemJson = ItemJsonOf(json);
        var labels = obj["metadata"]?["labels"] as JsonObject;
        Labels = labels is null || labels.Count == 0
            ? EmptyLabels
            : labels.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>(), StringComparer.Ordinal);
        if (selectableFields is { Count: > 0 })
        {
            _fields = new Dictionary<string, string>(selectableFields.Count, StringComparer.Ordinal);
            foreach (var f in selectableFields) _fields[f] = FieldValueOf(obj, f);
        }
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();

    public string? Namespace { get; }
    public string Name { get; }
    public long ResourceVersion { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    public string Key => StoreKeys.Key(Namespace, Name);

    /// <summary>The whole object as JSON (kind and apiVersion first).</summary>
    public byte[] Json { get; }

    /// <summary>The object, with kind and apiVersion: a fresh tree on every call.</summary>
    public JsonObject Object => (JsonObject)JsonNode.Parse(Json)!;

    public JsonObject Clone() => Object;

    /// <summary>The value a field selector compares for <paramref name="field"/> ("" when absent), as
    /// the registries' GetAttrs give it.</summary>
    public string FieldValue(string field) =>
        _fields is not null && _fields.TryGetValue(field, out var v) ? v : FieldValueOf(Object, field);

    private static string FieldValueOf(JsonObject obj, string field) => Selectors.FieldSelector.FieldValue(obj, field);

    /// <summary>The object as a list item: without kind and apiVersion (list items carry no TypeMeta). Made when
    /// the object is stored, not on its first list: a lazily made copy would grow the process by the size of every
    /// object the first time a kind is listed (some 100 MB for the scale scenario's pods), and the benchmark, which
    /// runs the sandbox in its own process, would count that as the growth of whichever workload listed it first.</summary>
    public byte[] ItemJson { get; }

    /// <summary>The stored JSON always starts with kind and apiVersion, so the item is "{" and the rest of the bytes.</summary>
    private static byte[] ItemJsonOf(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read(); // {
        var start = -1;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject) break;
            // property name
            var name = reader.GetString();
            if (name is "kind" or "apiVersion")
            {
                reader.Read();
                reader.Skip();
                continue;
            }
            start = (int)reader.TokenStartIndex;
            break;
        }
        if (start < 0) return "{}"u8.ToArray();
        var item = new byte[1 + json.Length - start];
        item[0] = (byte)'{';
        Array.Copy(json, start, item, 1, json.Length - start);
        return item;
    }
}

/// <summary>Keys ordered as etcd orders /registry/{resource}/{namespace}/{name}: byte order of "namespace/name".</summary>
public static class StoreKeys
{
    public static string Key(string? ns, string name) => ns is null ? name : ns + "/" + name;
}
