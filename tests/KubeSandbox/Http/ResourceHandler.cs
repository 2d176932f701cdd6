using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Admission;
using KubeSandbox.Api;
using KubeSandbox.Hosting;
using KubeSandbox.Patching;
using KubeSandbox.Selectors;
using KubeSandbox.Storage;
using KubeSandbox.Validation;
using KubeSandbox.Controllers;
using KubeSandbox.OpenApi;
using Microsoft.AspNetCore.Http;

namespace KubeSandbox.Http;

/// <summary>
/// The REST verbs of the stored resources (k8s.io/apiserver pkg/endpoints/handlers: get.go, create.go,
/// update.go, patch.go, delete.go) over the in-memory store, with the registry rules of
/// pkg/registry/generic/registry/store.go and the admission the sandbox emulates.
/// </summary>
public sealed class ResourceHandler
{
    private readonly InMemoryObjectStore _store;
    private readonly ListPager _pager;
    private readonly ServiceAccountAdmission _saAdmission;
    private readonly SandboxClock _clock;
    private readonly FieldValidation? _fieldValidation;

    public ResourceHandler(InMemoryObjectStore store, ListPager pager, ServiceAccountAdmission saAdmission, SandboxClock clock, FieldValidation? fieldValidation = null)
    {
        _store = store;
        _pager = pager;
        _saAdmission = saAdmission;
        _clock = clock;
        _fieldValidation = fieldValidation;
    }

    /// <summary>?fieldValidation (OpenApi/FieldValidation.cs): Strict refuses unknown fields, Warn (the default)
    /// answers with a Warning header for each.</summary>
    private void ValidateFields(HttpContext ctx, ResourceType type, JsonObject obj)
    {
        if (_fieldValidation is null) return;
        foreach (var warning in _fieldValidation.Check(ctx.Request.Query["fieldValidation"].ToString(), type, obj))
            ctx.Response.Headers.Append("Warning", "299 - \"" + warning.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"");
    }

    // pkg/registry/core/namespace/storage: NamespaceLifecycle's immortal namespaces
    // (plugin/pkg/admission/namespace/lifecycle/admission.go).
    private static readonly HashSet<string> ImmortalNamespaces = new(StringComparer.Ordinal) { "default", "kube-system", "kube-public" };

    public async Task<ApiHandler.Reply> HandleAsync(HttpContext ctx, RequestInfo info, ResourceType type, RequestContext rc, IReadOnlyList<IAdmissionCheck> checks)
    {
        var ns = type.Namespaced ? (info.Namespace.Length > 0 ? info.Namespace : null) : null;
        // Parts are relative to the resource (requestinfo.go), so /api/v1/namespaces/x names namespace x too.
        var hasName = info.Parts is { Count: >= 2 };
        var name = hasName ? info.Parts![1] : "";
        CheckAccept(ctx.Request);
        var method = ctx.Request.Method.ToUpperInvariant();
        if (ResourceCatalog.ReadOnly(type.Plural) && method is not ("GET" or "HEAD")) throw StatusErrors.MethodNotAllowed();
        switch (method)
        {
            case "GET" or "HEAD" when info.Verb == "watch":
                throw StatusErrors.MethodNotAllowed();
            case "GET" or "HEAD":
                return hasName ? Get(ctx, type, ns, name) : List(ctx, type, ns, rc.Query);
            case "POST":
                if (hasName) throw StatusErrors.MethodNotAllowed();
                if (type.Namespaced && ns is null) throw StatusErrors.NotFoundGeneric();
                return await CreateAsync(ctx, type, ns, rc, checks);
            case "PUT":
                if (!hasName) throw StatusErrors.MethodNotAllowed();
                return await UpdateAsync(ctx, type, ns, name, rc, checks);
            case "PATCH":
                if (!hasName) throw StatusErrors.MethodNotAllowed();
                return await PatchAsync(ctx, type, ns, name, rc, checks);
            case "DELETE":
                return hasName ? Delete(ctx, type, ns, name) : DeleteCollection(type, ns, rc.Query);
            default:
                throw StatusErrors.MethodNotAllowed();
        }
    }

    private static string Manager(HttpContext ctx) =>
        FieldManager.ManagerName(ctx.Request.Query["fieldManager"].ToString(), ctx.Request.Headers.UserAgent.ToString());

    /// <summary>?dryRun=All: everything but the write (k8s.io/apiserver pkg/endpoints/handlers/rest.go dryRun).
    /// Any other value is 400, as the real server answers.</summary>
    private static bool DryRun(HttpContext ctx)
    {
        var values = ctx.Request.Query["dryRun"];
        if (values.Count == 0) return false;
        foreach (var v in values)
            if (v != "All") throw StatusErrors.BadRequest($"Invalid dry run value: \"{v}\": supported values: \"All\"");
        return true;
    }

    private string Now() => InMemoryObjectStore.FormatTime(_clock.UtcNow);

    private static void CheckAccept(HttpRequest req)
    {
        var accept = req.Headers.Accept.ToString();
        if (accept.Length == 0) return;
        foreach (var part in accept.Split(','))
        {
            var media = part.Split(';')[0].Trim().ToLowerInvariant();
            if (media is "application/json" or "*/*" or "application/*" or "application/yaml" or "application/vnd.kubernetes.protobuf") return;
        }
        throw new ApiException(406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf", new JsonObject());
    }

    private static bool WantsTable(HttpRequest req) =>
        req.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    // ------------------------------------------------------------------ read

    private ApiHandler.Reply Get(HttpContext ctx, ResourceType type, string? ns, string name)
    {
        var o = _store.GetStored(type.Plural, ns, name) ?? throw StatusErrors.NotFound(type, name);
        if (WantsTable(ctx.Request)) return ApiHandler.JsonReply(200, TableConverter.Convert(type, new[] { o }, o.ResourceVersion, null, null));
        return new ApiHandler.Reply(200, "application/json", o.Json);
    }

    private ApiHandler.Reply List(HttpContext ctx, ResourceType type, string? ns, IReadOnlyDictionary<string, string> query)
    {
        LabelSelector labels = LabelSelector.Everything;
        if (query.TryGetValue("labelSelector", out var ls) && ls.Length > 0)
        {
            try { labels = LabelSelector.Parse(ls); }
            catch (FormatException e) { throw StatusErrors.BadRequest(e.Message); }
        }
        var fields = query.TryGetValue("fieldSelector", out var fs) && fs.Length > 0 ? FieldSelector.Parse(fs, type) : FieldSelector.Everything;
        var limit = 0;
        if (query.TryGetValue("limit", out var l) && l.Length > 0 && (!int.TryParse(l, out limit) || limit < 0)) limit = 0;
        query.TryGetValue("continue", out var cont);
        var hasSelector = !labels.IsEmpty || !fields.IsEmpty;
        var page = _pager.GetPage(() =>
        {
            IReadOnlyList<StoredObject> all;
            long rev;
            var exactName = fields.ExactName;
            var scopeNs = ns ?? (type.Namespaced ? fields.ExactNamespace : null);
            if (exactName is not null && (scopeNs is not null || !type.Namespaced))
            {
                rev = _store.Revision;
                var one = _store.GetStored(type.Plural, scopeNs, exactName);
                all = one is null ? Array.Empty<StoredObject>() : new[] { one };
            }
            else all = _store.Snapshot(type.Plural, scopeNs, out rev);
            if (!hasSelector) return (rev, all);
            var filtered = new List<StoredObject>();
            foreach (var o in all)
                if (labels.Matches(o.Labels) && fields.Matches(o)) filtered.Add(o);
            return (rev, filtered);
        }, limit, cont, hasSelector);

        if (WantsTable(ctx.Request))
            return ApiHandler.JsonReply(200, TableConverter.Convert(type, page.Items, page.Revision, page.Continue, page.RemainingItemCount));
        // Small lists are built at once; large ones stream from the items' cached JSON.
        if (page.Items.Count <= 200) return new ApiHandler.Reply(200, "application/json", WriteList(type, page));
        return new ApiHandler.Reply(200, "application/json", Array.Empty<byte>()) { Writer = (stream, ct) => WriteListAsync(type, page, stream, ct) };
    }

    /// <summary>A large list written in 64 KB pieces through pooled buffers: a Utf8JsonWriter over the stream itself
    /// grows (and drops) its own buffer per request, about 250 KB of garbage per page, which the in-process benchmark
    /// would count against the client it measures.</summary>
    private static async Task WriteListAsync(ResourceType type, ListPager.Page page, Stream stream, CancellationToken ct)
    {
        var pipe = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            using (var w = new Utf8JsonWriter(pipe, new JsonWriterOptions { SkipValidation = true }))
            {
                WriteListHead(w, type, page);
                foreach (var item in page.Items)
                {
                    w.WriteRawValue(item.ItemJson, skipInputValidation: true);
                    if (w.BytesPending + pipe.UnflushedBytes > 64 * 1024)
                    {
                        w.Flush();
                        await pipe.FlushAsync(ct);
                    }
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            await pipe.FlushAsync(ct);
        }
        finally
        {
            await pipe.CompleteAsync();
        }
    }

    private static void WriteListHead(Utf8JsonWriter w, ResourceType type, ListPager.Page page)
    {
        w.WriteStartObject();
        w.WriteString("kind", type.ListKind);
        w.WriteString("apiVersion", type.ApiVersion);
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", page.Revision.ToString(CultureInfo.InvariantCulture));
        if (page.Continue is not null) w.WriteString("continue", page.Continue);
        if (page.RemainingItemCount is { } r) w.WriteNumber("remainingItemCount", r);
        w.WriteEndObject();
        w.WriteStartArray("items");
    }

    /// <summary>The list body written straight from the stored items' cached JSON.</summary>
    private static byte[] WriteList(ResourceType type, ListPager.Page page)
    {
        using var ms = new MemoryStream(256 + page.Items.Count * 512);
        using (var w = new Utf8JsonWriter(ms))
        {
            WriteListHead(w, type, page);
            foreach (var item in page.Items) w.WriteRawValue(item.ItemJson, skipInputValidation: true);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    // ------------------------------------------------------------------ write

    private async Task<ApiHandler.Reply> CreateAsync(HttpContext ctx, ResourceType type, string? ns, RequestContext rc, IReadOnlyList<IAdmissionCheck> checks)
    {
        var obj = await BodyDecoder.ReadObjectAsync(ctx.Request, type.Kind, type.InternalGroup, type.Group, type.Version);
        ValidateFields(ctx, type, obj);
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = meta;
        // rest.BeforeCreate: the object's namespace must match the URL's (or be empty, then it is set).
        var objNs = meta["namespace"]?.GetValue<string>() ?? "";
        if (type.Namespaced)
        {
            if (objNs.Length > 0 && objNs != ns)
                throw StatusErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            meta["namespace"] = ns;
        }
        else meta.Remove("namespace");
        // generateName: names.SimpleNameGenerator (base + 5 random characters).
        if (string.IsNullOrEmpty(meta["name"]?.GetValue<string>()) && meta["generateName"]?.GetValue<string>() is { Length: > 0 } gen)
            meta["name"] = gen + _saAdmission.RandomSuffix();
        var name = meta["name"]?.GetValue<string>() ?? "";
        var rcNamed = rc with { Name = name.Length > 0 ? name : null };
        // NamespaceLifecycle admission: the namespace must exist (recorded sa-create-missing-ns).
        if (ns is not null && _store.GetStored("namespaces", null, ns) is null)
            throw StatusErrors.NotFound(ResourceCatalog.Get("namespaces"), ns);
        if (type.Plural == "pods") _saAdmission.Admit(ns!, obj);
        foreach (var c in checks) c.Admit(rcNamed, type.Plural, null, obj);
        ObjectDefaults.Apply(type.Plural, obj, true);
        ObjectValidator.ValidateCreate(type, obj);
        FieldManager.OnCreate(obj, type.Plural, Manager(ctx), type.ApiVersion, Now());
        var stored = _store.CreateStored(type.Plural, ns, obj, dryRun: DryRun(ctx));
        return new ApiHandler.Reply(201, "application/json", stored.Json);
    }

    private async Task<ApiHandler.Reply> UpdateAsync(HttpContext ctx, ResourceType type, string? ns, string name, RequestContext rc, IReadOnlyList<IAdmissionCheck> checks)
    {
        var obj = await BodyDecoder.ReadObjectAsync(ctx.Request, type.Kind, type.InternalGroup, type.Group, type.Version);
        ValidateFields(ctx, type, obj);
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = meta;
        var bodyName = meta["name"]?.GetValue<string>() ?? "";
        // rest.go checkName
        if (bodyName != name)
            throw StatusErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        var objNs = meta["namespace"]?.GetValue<string>() ?? "";
        if (type.Namespaced && objNs.Length > 0 && objNs != ns)
            throw StatusErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        if (_store.GetStored(type.Plural, ns, name) is null)
        {
            if (!type.AllowCreateOnUpdate) throw StatusErrors.NotFound(type, name);
            if (type.Namespaced) meta["namespace"] = ns;
            meta.Remove("resourceVersion");
            foreach (var c in checks) c.Admit(rc, type.Plural, null, obj);
            ObjectDefaults.Apply(type.Plural, obj, true);
            ObjectValidator.ValidateCreate(type, obj);
            FieldManager.OnCreate(obj, type.Plural, Manager(ctx), type.ApiVersion, Now());
            return new ApiHandler.Reply(201, "application/json", _store.CreateStored(type.Plural, ns, obj, dryRun: DryRun(ctx)).Json);
        }
        var stored = WriteUpdate(ctx, type, ns, name, rc, checks, _ => obj);
        return new ApiHandler.Reply(200, "application/json", stored.Json);
    }

    /// <summary>The update path shared by PUT and PATCH: preconditions, kept fields, defaults, admission, validation.</summary>
    private StoredObject WriteUpdate(HttpContext ctx, ResourceType type, string? ns, string name, RequestContext rc, IReadOnlyList<IAdmissionCheck> checks, Func<StoredObject, JsonObject> produce)
    {
        var manager = Manager(ctx);
        return _store.Update(type.Plural, ns, name, current =>
        {
            var next = produce(current);
            var meta = next["metadata"] as JsonObject ?? new JsonObject();
            next["metadata"] = meta;
            var currentObject = current.Object;
            var curMeta = (JsonObject)currentObject["metadata"]!;
            var rv = meta["resourceVersion"]?.GetValue<string>() ?? "";
            if (rv.Length > 0 && rv != current.ResourceVersion.ToString(CultureInfo.InvariantCulture))
                throw StatusErrors.Conflict(type, name, StatusErrors.ObjectModified);
            var uid = meta["uid"]?.GetValue<string>() ?? "";
            var curUid = curMeta["uid"]!.GetValue<string>();
            if (uid.Length > 0 && uid != curUid)
                throw StatusErrors.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {curUid}");
            // Update strategies keep what the client may not change with a plain update (status of pods and
            // namespaces: PrepareForUpdate of pkg/registry/core/{pod,namespace}/strategy.go).
            if (type.Plural is "pods" or "namespaces" && currentObject["status"] is { } st) next["status"] = st.DeepClone();
            if (type.Plural == "namespaces" && currentObject["spec"] is { } sp) next["spec"] = sp.DeepClone();
            foreach (var c in checks) c.Admit(rc, type.Plural, current.Clone(), next);
            ObjectDefaults.Apply(type.Plural, next, false, currentObject);
            ObjectValidator.ValidateUpdate(type, currentObject, next);
            FieldManager.OnUpdate(currentObject, next, type.Plural, manager, type.ApiVersion, Now());
            return next;
        }, DryRun(ctx));
    }

    private async Task<ApiHandler.Reply> PatchAsync(HttpContext ctx, ResourceType type, string? ns, string name, RequestContext rc, IReadOnlyList<IAdmissionCheck> checks)
    {
        var media = BodyDecoder.MediaType(ctx.Request);
        if (media is not ("application/merge-patch+json" or "application/strategic-merge-patch+json" or "application/json-patch+json"))
            throw new ApiException(415, "UnsupportedMediaType", "415: Unsupported Media Type", new JsonObject());
        var text = await BodyDecoder.ReadTextAsync(ctx.Request);
        if (_store.GetStored(type.Plural, ns, name) is null) throw StatusErrors.NotFound(type, name);
        if (GoJsonSyntax.Check(text) is { } err)
            throw StatusErrors.BadRequest($"error decoding patch: {err}");
        var patch = JsonNode.Parse(text);
        // A merge or strategic patch has the object's shape: its fields are checked as the object's would be.
        if (media != "application/json-patch+json" && patch is JsonObject patchObject) ValidateFields(ctx, type, patchObject);
        var stored = WriteUpdate(ctx, type, ns, name, rc, checks, current =>
        {
            JsonNode? result = media switch
            {
                "application/json-patch+json" => JsonPatch.Apply(current.Object, patch),
                "application/merge-patch+json" => patch is JsonObject
                    ? JsonMergePatch.Apply(current.Object, patch)
                    : throw StatusErrors.BadRequest("error decoding patch: json: cannot unmarshal into Go value of type map[string]interface {}"),
                _ => patch is JsonObject ? StrategicMergePatch.Apply(current.Object, patch)
                    : throw StatusErrors.BadRequest("error decoding patch: json: cannot unmarshal into Go value of type map[string]interface {}"),
            };
            if (result is not JsonObject obj) throw JsonPatch.Rejected();
            TypeCheck.AfterPatch(type, current, obj);
            var meta = obj["metadata"] as JsonObject;
            var patchedName = meta?["name"]?.GetValue<string>();
            if (patchedName != name)
                throw StatusErrors.BadRequest($"the name of the object ({patchedName}) does not match the name on the URL ({name})");
            return obj;
        });
        return new ApiHandler.Reply(200, "application/json", stored.Json);
    }

    private ApiHandler.Reply Delete(HttpContext ctx, ResourceType type, string? ns, string name)
    {
        if (type.Plural == "namespaces")
        {
            if (ImmortalNamespaces.Contains(name))
                throw StatusErrors.Forbidden(type, name, "this namespace may not be deleted");
            if (DryRun(ctx))
            {
                var preview = (_store.GetStored("namespaces", null, name) ?? throw StatusErrors.NotFound(type, name)).Clone();
                ((JsonObject)preview["metadata"]!)["deletionTimestamp"] = Now();
                preview["status"] = new JsonObject { ["phase"] = "Terminating" };
                return ApiHandler.JsonReply(200, preview);
            }
            // The namespace enters the Terminating phase (pkg/registry/core/namespace/storage/storage.go Delete);
            // the namespace controller's work is then done at once: delete the content, then the namespace.
            var terminating = _store.Update("namespaces", null, name, current =>
            {
                var o = current.Clone();
                var meta = (JsonObject)o["metadata"]!;
                meta["deletionTimestamp"] ??= InMemoryObjectStore.FormatTime(_clock.UtcNow);
                o["status"] = new JsonObject { ["phase"] = "Terminating" };
                return o;
            });
            var answer = terminating.Clone();
            NamespaceContent.DeleteAll(_store, name);
            _store.DeleteStored("namespaces", null, name);
            return ApiHandler.JsonReply(200, answer);
        }
        var deleted = DryRun(ctx) ? _store.GetStored(type.Plural, ns, name) ?? throw StatusErrors.NotFound(type, name)
            : _store.DeleteStored(type.Plural, ns, name);
        if (type.Plural == "pods")
        {
            // Graceful deletion of an unscheduled pod is immediate: the answer carries deletionTimestamp and a
            // grace period of 0 (pkg/registry/core/pod/strategy.go CheckGracefulDelete; recorded trv-setup-delete-pod-doomed).
            var o = deleted.Clone();
            var meta = (JsonObject)o["metadata"]!;
            var rebuilt = new JsonObject();
            foreach (var (k, v) in meta.ToList())
            {
                meta.Remove(k);
                rebuilt[k] = v;
                if (k == "creationTimestamp")
                {
                    rebuilt["deletionTimestamp"] = InMemoryObjectStore.FormatTime(_clock.UtcNow);
                    rebuilt["deletionGracePeriodSeconds"] = 0;
                }
            }
            o["metadata"] = rebuilt;
            return ApiHandler.JsonReply(200, o);
        }
        if (type.ReturnsDeletedObject) return new ApiHandler.Reply(200, "application/json", deleted.Json);
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0) details["group"] = type.Group;
        details["kind"] = type.Plural;
        details["uid"] = deleted.Object["metadata"]!["uid"]!.GetValue<string>();
        return ApiHandler.JsonReply(200, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        });
    }

    private ApiHandler.Reply DeleteCollection(ResourceType type, string? ns, IReadOnlyDictionary<string, string> query)
    {
        if (type.Plural == "namespaces") throw StatusErrors.MethodNotAllowed();
        LabelSelector labels = LabelSelector.Everything;
        if (query.TryGetValue("labelSelector", out var ls) && ls.Length > 0)
        {
            try { labels = LabelSelector.Parse(ls); }
            catch (FormatException e) { throw StatusErrors.BadRequest(e.Message); }
        }
        var fields = query.TryGetValue("fieldSelector", out var fs) && fs.Length > 0 ? FieldSelector.Parse(fs, type) : FieldSelector.Everything;
        var items = _store.Snapshot(type.Plural, ns, out _).Where(o => labels.Matches(o.Labels) && fields.Matches(o)).ToList();
        var deleted = new List<StoredObject>();
        foreach (var o in items)
        {
            try { deleted.Add(_store.DeleteStored(type.Plural, o.Namespace, o.Name)); }
            catch (ApiException) { }
        }
        return new ApiHandler.Reply(200, "application/json", WriteList(type, new ListPager.Page(_store.Revision, deleted, null, null)));
    }
}
