using System.Text;
using System.Text.Json.Nodes;

namespace KubeSandbox.Security;

/// <summary>
/// Decodes the protobuf request bodies kubectl's typed clients send (<c>application/vnd.kubernetes.protobuf</c>):
/// <c>kubectl create token</c>, <c>auth can-i</c> and <c>auth whoami</c> for the authentication/authorization kinds,
/// and <c>kubectl create serviceaccount|secret|configmap|namespace|role|rolebinding|clusterrole|clusterrolebinding</c>
/// for the stored kinds. The <c>k8s\0</c> envelope is k8s.io/apimachinery pkg/runtime/serializer/protobuf
/// (runtime.Unknown{typeMeta, raw}); the messages and field numbers are those of k8s.io/api core/v1, rbac/v1,
/// authentication/v1, authorization/v1 and apimachinery meta/v1 generated.proto. The result is the JSON the
/// handlers take, as the server's decode-then-encode would give it: Go's zero values (an empty string, 0, false)
/// are dropped, except for the pointer fields that keep them (automountServiceAccountToken, immutable,
/// expirationSeconds...), and timestamps and managedFields are left to the server. Unknown fields are skipped.
/// </summary>
public static class KubeProtobuf
{
    private static readonly byte[] Magic = { 0x6b, 0x38, 0x73, 0x00 };

    private enum T { String, Int64, Bool, Message, StringMap, ExtraMap, BytesMap }

    /// <param name="Pointer">A Go pointer field (<c>*bool</c>, <c>*int64</c>): its zero value is kept, as JSON would carry it.</param>
    private sealed record F(string Json, T Type, bool Repeated = false, string? Message = null, bool Pointer = false);

    private static readonly Dictionary<string, Dictionary<int, F>> Schemas = new()
    {
        ["ObjectMeta"] = new() { [1] = new("name", T.String), [2] = new("generateName", T.String), [3] = new("namespace", T.String),
            [5] = new("uid", T.String), [6] = new("resourceVersion", T.String),
            [11] = new("labels", T.StringMap), [12] = new("annotations", T.StringMap),
            [13] = new("ownerReferences", T.Message, true, "OwnerReference"), [14] = new("finalizers", T.String, true) },
        ["OwnerReference"] = new() { [1] = new("kind", T.String), [3] = new("name", T.String), [4] = new("uid", T.String),
            [5] = new("apiVersion", T.String), [6] = new("controller", T.Bool, Pointer: true), [7] = new("blockOwnerDeletion", T.Bool, Pointer: true) },
        // core/v1
        ["ServiceAccount"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("secrets", T.Message, true, "ObjectReference"),
            [3] = new("imagePullSecrets", T.Message, true, "LocalObjectReference"), [4] = new("automountServiceAccountToken", T.Bool, Pointer: true) },
        ["ObjectReference"] = new() { [1] = new("kind", T.String), [2] = new("namespace", T.String), [3] = new("name", T.String), [4] = new("uid", T.String),
            [5] = new("apiVersion", T.String), [6] = new("resourceVersion", T.String), [7] = new("fieldPath", T.String) },
        ["LocalObjectReference"] = new() { [1] = new("name", T.String) },
        ["Secret"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("data", T.BytesMap), [3] = new("type", T.String),
            [4] = new("stringData", T.StringMap), [5] = new("immutable", T.Bool, Pointer: true) },
        ["ConfigMap"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("data", T.StringMap), [3] = new("binaryData", T.BytesMap),
            [4] = new("immutable", T.Bool, Pointer: true) },
        ["Namespace"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("spec", T.Message, Message: "NamespaceSpec") },
        ["NamespaceSpec"] = new() { [1] = new("finalizers", T.String, true) },
        // rbac/v1
        ["Role"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("rules", T.Message, true, "PolicyRule") },
        ["ClusterRole"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("rules", T.Message, true, "PolicyRule"),
            [3] = new("aggregationRule", T.Message, Message: "AggregationRule") },
        ["PolicyRule"] = new() { [1] = new("verbs", T.String, true), [2] = new("apiGroups", T.String, true), [3] = new("resources", T.String, true),
            [4] = new("resourceNames", T.String, true), [5] = new("nonResourceURLs", T.String, true) },
        ["AggregationRule"] = new() { [1] = new("clusterRoleSelectors", T.Message, true, "LabelSelector") },
        ["LabelSelector"] = new() { [1] = new("matchLabels", T.StringMap), [2] = new("matchExpressions", T.Message, true, "LabelSelectorRequirement") },
        ["LabelSelectorRequirement"] = new() { [1] = new("key", T.String), [2] = new("operator", T.String), [3] = new("values", T.String, true) },
        ["RoleBinding"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("subjects", T.Message, true, "Subject"),
            [3] = new("roleRef", T.Message, Message: "RoleRef") },
        ["ClusterRoleBinding"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("subjects", T.Message, true, "Subject"),
            [3] = new("roleRef", T.Message, Message: "RoleRef") },
        ["Subject"] = new() { [1] = new("kind", T.String), [2] = new("apiGroup", T.String), [3] = new("name", T.String), [4] = new("namespace", T.String) },
        ["RoleRef"] = new() { [1] = new("apiGroup", T.String), [2] = new("kind", T.String), [3] = new("name", T.String) },
        // authentication/v1, authorization/v1
        ["TokenRequest"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("spec", T.Message, Message: "TokenRequestSpec") },
        ["TokenRequestSpec"] = new() { [1] = new("audiences", T.String, true), [4] = new("expirationSeconds", T.Int64, Pointer: true),
            [3] = new("boundObjectRef", T.Message, Message: "BoundObjectReference") },
        ["BoundObjectReference"] = new() { [1] = new("kind", T.String), [2] = new("apiVersion", T.String), [3] = new("name", T.String), [4] = new("uid", T.String) },
        ["TokenReview"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("spec", T.Message, Message: "TokenReviewSpec") },
        ["TokenReviewSpec"] = new() { [1] = new("token", T.String), [2] = new("audiences", T.String, true) },
        ["SelfSubjectReview"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta") },
        ["SubjectAccessReview"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("spec", T.Message, Message: "SubjectAccessReviewSpec") },
        ["LocalSubjectAccessReview"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("spec", T.Message, Message: "SubjectAccessReviewSpec") },
        ["SubjectAccessReviewSpec"] = new() { [1] = new("resourceAttributes", T.Message, Message: "ResourceAttributes"),
            [2] = new("nonResourceAttributes", T.Message, Message: "NonResourceAttributes"), [3] = new("user", T.String),
            [4] = new("groups", T.String, true), [5] = new("extra", T.ExtraMap), [6] = new("uid", T.String) },
        ["SelfSubjectAccessReview"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("spec", T.Message, Message: "SelfSubjectAccessReviewSpec") },
        ["SelfSubjectAccessReviewSpec"] = new() { [1] = new("resourceAttributes", T.Message, Message: "ResourceAttributes"),
            [2] = new("nonResourceAttributes", T.Message, Message: "NonResourceAttributes") },
        ["ResourceAttributes"] = new() { [1] = new("namespace", T.String), [2] = new("verb", T.String), [3] = new("group", T.String),
            [4] = new("version", T.String), [5] = new("resource", T.String), [6] = new("subresource", T.String), [7] = new("name", T.String) },
        ["NonResourceAttributes"] = new() { [1] = new("path", T.String), [2] = new("verb", T.String) },
        ["SelfSubjectRulesReview"] = new() { [1] = new("metadata", T.Message, Message: "ObjectMeta"), [2] = new("spec", T.Message, Message: "SelfSubjectRulesReviewSpec") },
        ["SelfSubjectRulesReviewSpec"] = new() { [1] = new("namespace", T.String) },
        ["Unknown"] = new() { [1] = new("typeMeta", T.Message, Message: "TypeMeta"), [2] = new("raw", T.String) },
        ["TypeMeta"] = new() { [1] = new("apiVersion", T.String), [2] = new("kind", T.String) },
    };

    /// <summary>The top-level kinds (a message with metadata) this decoder knows.</summary>
    public static bool CanDecode(string kind) =>
        Schemas.TryGetValue(kind, out var schema) && schema.TryGetValue(1, out var first) && first.Message == "ObjectMeta";

    /// <summary>The body as JSON (apiVersion and kind from the envelope), or null when it is not a well-formed
    /// envelope around a message.</summary>
    public static JsonObject? Decode(byte[] body, string kind)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return null;
        }
        try
        {
            var envelope = new Reader(body, Magic.Length, body.Length);
            string? apiVersion = null, bodyKind = null;
            (int Start, int End)? raw = null;
            while (!envelope.Done)
            {
                var (field, wire) = envelope.Tag();
                if (field == 1 && wire == 2)
                {
                    var (s, e) = envelope.LengthDelimited();
                    var tm = new Reader(body, s, e);
                    while (!tm.Done)
                    {
                        var (f, w) = tm.Tag();
                        if (f == 1 && w == 2) apiVersion = tm.String();
                        else if (f == 2 && w == 2) bodyKind = tm.String();
                        else tm.Skip(w);
                    }
                }
                else if (field == 2 && wire == 2)
                {
                    raw = envelope.LengthDelimited();
                }
                else
                {
                    envelope.Skip(wire);
                }
            }
            var obj = new JsonObject();
            if (apiVersion is not null) obj["apiVersion"] = apiVersion;
            if (bodyKind is not null) obj["kind"] = bodyKind;
            if (raw is { } r && bodyKind == kind)
            {
                foreach (var (k, v) in ReadMessage(body, r.Start, r.End, kind).ToList())
                {
                    obj[k] = v?.DeepClone();
                }
            }
            return obj;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static JsonObject ReadMessage(byte[] buffer, int start, int end, string message)
    {
        var schema = Schemas[message];
        var o = new JsonObject();
        var reader = new Reader(buffer, start, end);
        while (!reader.Done)
        {
            var (field, wire) = reader.Tag();
            if (!schema.TryGetValue(field, out var f))
            {
                reader.Skip(wire);
                continue;
            }
            JsonNode? value;
            switch (f.Type)
            {
                case T.String when wire == 2:
                    value = reader.String();
                    break;
                case T.Int64 when wire == 0:
                    value = (long)reader.Varint();
                    break;
                case T.Bool when wire == 0:
                    value = reader.Varint() != 0;
                    break;
                case T.Message when wire == 2:
                {
                    var (s, e) = reader.LengthDelimited();
                    value = ReadMessage(buffer, s, e, f.Message!);
                    break;
                }
                case T.StringMap or T.ExtraMap or T.BytesMap when wire == 2:
                {
                    var (s, e) = reader.LengthDelimited();
                    var entry = new Reader(buffer, s, e);
                    string key = "";
                    JsonNode? entryValue = null;
                    var items = new JsonArray();
                    while (!entry.Done)
                    {
                        var (ef, ew) = entry.Tag();
                        if (ef == 1 && ew == 2) key = entry.String();
                        else if (ef == 2 && ew == 2 && f.Type == T.StringMap) entryValue = entry.String();
                        else if (ef == 2 && ew == 2 && f.Type == T.BytesMap)
                        {
                            // []byte values are base64 in JSON.
                            var (bs, be) = entry.LengthDelimited();
                            entryValue = Convert.ToBase64String(buffer, bs, be - bs);
                        }
                        else if (ef == 2 && ew == 2)
                        {
                            var (vs, ve) = entry.LengthDelimited();
                            var extra = new Reader(buffer, vs, ve);
                            while (!extra.Done)
                            {
                                var (xf, xw) = extra.Tag();
                                if (xf == 1 && xw == 2) items.Add(extra.String());
                                else extra.Skip(xw);
                            }
                            entryValue = items;
                        }
                        else entry.Skip(ew);
                    }
                    if (o[f.Json] is not JsonObject map)
                    {
                        map = new JsonObject();
                        o[f.Json] = map;
                    }
                    map[key] = entryValue ?? (f.Type == T.ExtraMap ? new JsonArray() : "");
                    continue;
                }
                default:
                    reader.Skip(wire);
                    continue;
            }
            if (!f.Repeated && !f.Pointer && value is JsonValue zero && IsZero(zero))
            {
                continue; // Go's zero value of a plain field: what JSON would omit (omitempty)
            }
            if (f.Repeated)
            {
                if (o[f.Json] is not JsonArray list)
                {
                    list = new JsonArray();
                    o[f.Json] = list;
                }
                list.Add(value);
            }
            else
            {
                o[f.Json] = value;
            }
        }
        return o;
    }

    private static bool IsZero(JsonValue v) =>
        (v.TryGetValue<string>(out var s) && s.Length == 0)
        || (v.TryGetValue<long>(out var l) && l == 0)
        || (v.TryGetValue<bool>(out var b) && !b);

    private sealed class Reader(byte[] buffer, int position, int end)
    {
        private int _pos = position;

        public bool Done => _pos >= end;

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_pos >= end) throw new FormatException("truncated varint");
                var b = buffer[_pos++];
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new FormatException("varint too long");
        }

        public (int Field, int Wire) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public (int Start, int End) LengthDelimited()
        {
            var length = (int)Varint();
            if (length < 0 || _pos + length > end) throw new FormatException("truncated field");
            var start = _pos;
            _pos += length;
            return (start, _pos);
        }

        public string String()
        {
            var (s, e) = LengthDelimited();
            return Encoding.UTF8.GetString(buffer, s, e - s);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _pos += 8; break;
                case 2: LengthDelimited(); break;
                case 5: _pos += 4; break;
                default: throw new FormatException("unsupported wire type");
            }
            if (_pos > end) throw new FormatException("truncated field");
        }
    }
}
