using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeSandbox.Storage;

/// <summary>
/// One stored object version. Never changed after it is stored: readers share it, lists and paging snapshots
/// hold references to it, and its list-item JSON (without kind/apiVersion, as the real server writes list items)
/// is serialized once and reused.
/// </summary>
public sealed class StoredObject
{
    private byte[]? _itemJson;
    private byte[]? _json;

    public StoredObject(string? @namespace, string name, long resourceVersion, JsonObject obj)
    {
        Namespace = @namespace;
        Name = name;
        ResourceVersion = resourceVersion;
        Object = obj;
        var labels = obj["metadata"]?["labels"] as JsonObject;
        Labels = labels is null || labels.Count == 0
            ? EmptyLabels
            : labels.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>(), StringComparer.Ordinal);
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();

    public string? Namespace { get; }
    public string Name { get; }
    public long ResourceVersion { get; }
    /// <summary>The object, with kind and apiVersion. Do not modify: clone it.</summary>
    public JsonObject Object { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    public string Key => StoreKeys.Key(Namespace, Name);

    public JsonObject Clone() => (JsonObject)Object.DeepClone();

    /// <summary>The whole object as JSON.</summary>
    public byte[] Json => _json ??= JsonSerializer.SerializeToUtf8Bytes(Object);

    /// <summary>The object as a list item: without kind and apiVersion (meta.ListAccessor items carry no TypeMeta).</summary>
    public byte[] ItemJson
    {
        get
        {
            if (_itemJson is not null) return _itemJson;
            var copy = new JsonObject();
            foreach (var (k, v) in Object)
                if (k != "kind" && k != "apiVersion") copy[k] = v?.DeepClone();
            return _itemJson = JsonSerializer.SerializeToUtf8Bytes(copy);
        }
    }
}

/// <summary>Keys ordered as etcd orders /registry/{resource}/{namespace}/{name}: byte order of "namespace/name".</summary>
public static class StoreKeys
{
    public static string Key(string? ns, string name) => ns is null ? name : ns + "/" + name;
}
