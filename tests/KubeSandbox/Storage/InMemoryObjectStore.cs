using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Api;

namespace KubeSandbox.Storage;

/// <summary>
/// The sandbox's etcd: every object of every served resource, one global resourceVersion counter (etcd's
/// revision), uid and creationTimestamp set on create. Objects are kept per resource in a sorted map keyed
/// as etcd keys them, so lists come out in the real server's order. Thread-safe: one lock for the whole store,
/// held only while maps change or references are copied (serialization happens outside).
/// </summary>
public sealed class InMemoryObjectStore : IObjectStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, StoredObject>> _tables = new();
    private readonly Func<DateTimeOffset> _now;
    private readonly Random _uidRandom;
    private long _revision;

    public InMemoryObjectStore(Func<DateTimeOffset> now, int seed = 1)
    {
        _now = now;
        _uidRandom = new Random(seed);
        foreach (var t in ResourceCatalog.All)
            _tables[t.Plural] = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
        _revision = 1;
    }

    public event Action<StoreChange>? Changed;

    /// <summary>The store's clock (the sandbox clock): what creationTimestamp is taken from.</summary>
    public DateTimeOffset Now => _now();

    /// <summary>The current revision: the resourceVersion of a list taken now.</summary>
    public long Revision { get { lock (_gate) return _revision; } }

    public JsonObject? Get(string resource, string? @namespace, string name) => GetStored(resource, @namespace, name)?.Clone();

    public StoredObject? GetStored(string resource, string? @namespace, string name)
    {
        var table = Table(resource);
        lock (_gate)
            return table.TryGetValue(StoreKeys.Key(Scope(resource, @namespace), name), out var o) ? o : null;
    }

    public IReadOnlyList<JsonObject> List(string resource, string? @namespace) =>
        Snapshot(resource, @namespace, out _).Select(o => o.Clone()).ToList();

    /// <summary>All objects of a resource (in one namespace, or all when null) at one revision, in etcd order.</summary>
    public IReadOnlyList<StoredObject> Snapshot(string resource, string? @namespace, out long revision)
    {
        var table = Table(resource);
        lock (_gate)
        {
            revision = _revision;
            if (@namespace is null || !ResourceCatalog.Get(resource).Namespaced)
                return table.Values.ToArray();
            // Keys "ns/name" of one namespace are contiguous in byte order; SortedDictionary cannot seek, so
            // filter; the per-namespace index below keeps this cheap for large stores.
            return NamespaceIndex(resource, @namespace);
        }
    }

    // Per-namespace index: resource -> namespace -> sorted names. Maintained on every write.
    private readonly Dictionary<string, Dictionary<string, SortedDictionary<string, StoredObject>>> _byNamespace = new();

    private StoredObject[] NamespaceIndex(string resource, string ns)
    {
        if (_byNamespace.TryGetValue(resource, out var byNs) && byNs.TryGetValue(ns, out var names))
            return names.Values.ToArray();
        return Array.Empty<StoredObject>();
    }

    private void Index(string resource, StoredObject? oldObj, StoredObject? newObj)
    {
        var o = newObj ?? oldObj;
        if (o?.Namespace is null) return;
        if (!_byNamespace.TryGetValue(resource, out var byNs))
            _byNamespace[resource] = byNs = new Dictionary<string, SortedDictionary<string, StoredObject>>(StringComparer.Ordinal);
        if (!byNs.TryGetValue(o.Namespace, out var names))
            byNs[o.Namespace] = names = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
        if (newObj is null) names.Remove(o.Name);
        else names[o.Name] = newObj;
    }

    public JsonObject Create(string resource, string? @namespace, JsonObject obj)
    {
        var stored = CreateStored(resource, @namespace, obj);
        return stored.Clone();
    }

    /// <summary>Creates the object; fills uid, resourceVersion and creationTimestamp (pkg/registry/rest/create.go
    /// FillObjectMetaSystemFields). Throws NotFound for a missing namespace, AlreadyExists for a taken name.</summary>
    /// <param name="dryRun">Check and build the object without storing it (?dryRun=All): no uid is kept, no revision used.</param>
    public StoredObject CreateStored(string resource, string? @namespace, JsonObject obj, bool fireEvent = true, bool dryRun = false)
    {
        var type = ResourceCatalog.Get(resource);
        var ns = Scope(resource, @namespace);
        var meta = obj["metadata"] as JsonObject ?? throw StatusErrors.BadRequest("metadata is required");
        var name = meta["name"]?.GetValue<string>() ?? throw StatusErrors.BadRequest("metadata.name is required");
        var table = Table(resource);
        StoredObject stored;
        lock (_gate)
        {
            if (ns is not null && !_tables["namespaces"].ContainsKey(ns))
                throw StatusErrors.NotFound(ResourceCatalog.Get("namespaces"), ns);
            var key = StoreKeys.Key(ns, name);
            if (table.ContainsKey(key)) throw StatusErrors.AlreadyExists(type, name);
            if (dryRun)
            {
                var preview = WithSystemFields(type, obj, ns, name, 0, NewUid(), FormatTime(_now()));
                ((JsonObject)preview["metadata"]!).Remove("resourceVersion");
                return new StoredObject(ns, name, 0, preview, Fields(type));
            }
            var rv = ++_revision;
            var copy = WithSystemFields(type, obj, ns, name, rv, NewUid(), FormatTime(_now()));
            stored = new StoredObject(ns, name, rv, copy, Fields(type));
            table[key] = stored;
            Index(resource, null, stored);
        }
        if (fireEvent) Changed?.Invoke(new StoreChange(StoreChangeKind.Created, resource, ns, name, stored.Clone()));
        return stored;
    }

    public JsonObject Mutate(string resource, string? @namespace, string name, Action<JsonObject> change) =>
        Update(resource, @namespace, name, current =>
        {
            var copy = current.Clone();
            change(copy);
            return copy;
        }).Clone();

    /// <summary>
    /// Replaces an object atomically. <paramref name="produce"/> gets the current version and returns the new
    /// object (or throws). uid, creationTimestamp, name and namespace are kept from the stored object
    /// (rest.BeforeUpdate); resourceVersion is the new revision. Returns the stored version unchanged, without a
    /// new revision, when nothing changed (the real server skips no-op writes: etcd3 store GuaranteedUpdate).
    /// </summary>
    public StoredObject Update(string resource, string? @namespace, string name, Func<StoredObject, JsonObject> produce, bool dryRun = false)
    {
        var type = ResourceCatalog.Get(resource);
        var ns = Scope(resource, @namespace);
        var table = Table(resource);
        StoredObject stored;
        lock (_gate)
        {
            var key = StoreKeys.Key(ns, name);
            if (!table.TryGetValue(key, out var current)) throw StatusErrors.NotFound(type, name);
            var next = produce(current);
            var meta = (JsonObject)current.Object["metadata"]!;
            var uid = meta["uid"]!.GetValue<string>();
            var created = meta["creationTimestamp"]!.GetValue<string>();
            var candidate = WithSystemFields(type, next, ns, name, current.ResourceVersion, uid, created);
            var candidateJson = JsonSerializer.SerializeToUtf8Bytes(candidate);
            if (candidateJson.AsSpan().SequenceEqual(current.Json)) return current;
            // A dry run answers with the object as it would be stored, at the current resourceVersion.
            if (dryRun) return new StoredObject(ns, name, current.ResourceVersion, candidate, candidateJson, Fields(type));
            var rv = ++_revision;
            candidate["metadata"]!["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            stored = new StoredObject(ns, name, rv, candidate, Fields(type));
            table[key] = stored;
            Index(resource, current, stored);
        }
        Changed?.Invoke(new StoreChange(StoreChangeKind.Updated, resource, ns, name, stored.Clone()));
        return stored;
    }

    /// <summary>Sets an object's creationTimestamp, which no API write can change: for scenarios whose objects
    /// existed long before the sandbox started (a legacy token Secret from 2021). No change event.</summary>
    public void Backdate(string resource, string? @namespace, string name, DateTimeOffset created)
    {
        var ns = Scope(resource, @namespace);
        var type = ResourceCatalog.Get(resource);
        var table = Table(resource);
        lock (_gate)
        {
            var key = StoreKeys.Key(ns, name);
            if (!table.TryGetValue(key, out var current)) throw StatusErrors.NotFound(type, name);
            var copy = current.Clone();
            copy["metadata"]!["creationTimestamp"] = FormatTime(created);
            var stored = new StoredObject(ns, name, current.ResourceVersion, copy, Fields(type));
            table[key] = stored;
            Index(resource, current, stored);
        }
    }

    public JsonObject Delete(string resource, string? @namespace, string name) => DeleteStored(resource, @namespace, name).Clone();

    public StoredObject DeleteStored(string resource, string? @namespace, string name)
    {
        var type = ResourceCatalog.Get(resource);
        var ns = Scope(resource, @namespace);
        var table = Table(resource);
        StoredObject deleted;
        lock (_gate)
        {
            var key = StoreKeys.Key(ns, name);
            if (!table.TryGetValue(key, out var current)) throw StatusErrors.NotFound(type, name);
            table.Remove(key);
            Index(resource, current, null);
            // etcd answers a delete with the object as it was; the deletion itself is a new revision.
            ++_revision;
            deleted = current;
        }
        Changed?.Invoke(new StoreChange(StoreChangeKind.Deleted, resource, ns, name, deleted.Clone()));
        return deleted;
    }

    /// <summary>Fires <see cref="Changed"/> (Created) for objects loaded with fireEvent: false, after a bulk load.</summary>
    public void AnnounceCreated(string resource, IEnumerable<StoredObject> objects)
    {
        foreach (var o in objects)
            Changed?.Invoke(new StoreChange(StoreChangeKind.Created, resource, o.Namespace, o.Name, o.Clone()));
    }

    public int Count(string resource)
    {
        lock (_gate) return Table(resource).Count;
    }

    private SortedDictionary<string, StoredObject> Table(string resource) =>
        _tables.TryGetValue(resource, out var t) ? t : throw new ArgumentException($"unknown resource {resource}", nameof(resource));

    // The fields field selectors read, extracted once per stored version (metadata.name/namespace and the kind's own).
    private static readonly Dictionary<string, string[]> SelectableFields = ResourceCatalog.All.ToDictionary(
        t => t.Plural, t => new[] { "metadata.name", "metadata.namespace" }.Concat(t.ExtraFieldSelectors).ToArray());

    private static string[] Fields(ResourceType type) => SelectableFields[type.Plural];

    private static string? Scope(string resource, string? ns) => ResourceCatalog.Get(resource).Namespaced ? ns : null;

    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private string NewUid()
    {
        var b = new byte[16];
        lock (_uidRandom) _uidRandom.NextBytes(b);
        b[7] = (byte)((b[7] & 0x0F) | 0x40); // version 4 (Guid byte layout: byte 7 is the high byte of time_hi)
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b).ToString();
    }

    /// <summary>The object with kind, apiVersion and the system metadata fields set, metadata in the real
    /// server's field order (name, generateName, namespace, uid, resourceVersion, creationTimestamp, ...).</summary>
    private static JsonObject WithSystemFields(ResourceType type, JsonObject obj, string? ns, string name, long rv, string uid, string created)
    {
        // One copy: every value below is cloned once from the caller's object.
        var src = obj;
        var meta = src["metadata"] as JsonObject ?? new JsonObject();
        var m = new JsonObject { ["name"] = name };
        if (meta["generateName"] is { } gn) m["generateName"] = gn.DeepClone();
        if (ns is not null) m["namespace"] = ns;
        m["uid"] = uid;
        m["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        if (meta["generation"] is { } gen) m["generation"] = gen.DeepClone();
        m["creationTimestamp"] = created;
        foreach (var (k, v) in meta)
        {
            if (k is "name" or "generateName" or "namespace" or "uid" or "resourceVersion" or "generation" or "creationTimestamp" or "selfLink")
                continue;
            m[k] = v?.DeepClone();
        }
        var result = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = m };
        foreach (var (k, v) in src)
            if (k is not ("kind" or "apiVersion" or "metadata")) result[k] = v?.DeepClone();
        return result;
    }
}
