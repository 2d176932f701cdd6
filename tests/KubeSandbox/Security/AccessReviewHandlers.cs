using System.Text.Json.Nodes;
using KubeSandbox.Api;

namespace KubeSandbox.Security;

/// <summary>
/// The authorization.k8s.io/v1 reviews (pkg/registry/authorization/*/rest.go and
/// pkg/apis/authorization/validation/validation.go): SubjectAccessReview, LocalSubjectAccessReview,
/// SelfSubjectAccessReview and SelfSubjectRulesReview, answered by the sandbox's authorizer chain.
/// </summary>
public abstract class AccessReviewHandlerBase : IVirtualCreateHandler
{
    protected const string AuthzGroup = "authorization.k8s.io";

    protected AccessReviewHandlerBase(SandboxAuthorizer authorizer) => Authorizer = authorizer;

    protected SandboxAuthorizer Authorizer { get; }

    public string Group => AuthzGroup;
    public string Version => "v1";
    public abstract string Resource { get; }
    public string? Subresource => null;
    public virtual bool Namespaced => false;
    public abstract string Kind { get; }

    /// <summary>The Go type of the spec (for decode errors).</summary>
    protected virtual string SpecType => Kind + "Spec";

    public JsonObject Create(RequestContext context, JsonObject body)
    {
        if (ApiErrors.WrongKind(body, Group, Version, Kind) is { } wrongKind)
        {
            throw wrongKind;
        }
        TypedDecode.Check(body, Kind, TypedDecode.AccessReview(Kind, SpecType));
        return Review(context, body, body["spec"] as JsonObject ?? new JsonObject());
    }

    protected abstract JsonObject Review(RequestContext context, JsonObject body, JsonObject spec);

    /// <summary>ValidateSubjectAccessReviewSpec's first two checks (exactly one kind of attributes). The real
    /// server names no kind in the message (the internal object's Kind is empty): <c>.authorization.k8s.io "" is invalid</c>.</summary>
    protected static List<FieldError> ValidateAttributes(JsonObject spec)
    {
        var errors = new List<FieldError>();
        var res = spec["resourceAttributes"] as JsonObject;
        var nonRes = spec["nonResourceAttributes"] as JsonObject;
        if (res is not null && nonRes is not null)
        {
            errors.Add(FieldError.Invalid("spec.nonResourceAttributes", RenderNonResource(nonRes),
                "cannot be specified in combination with resourceAttributes"));
        }
        if (res is null && nonRes is null)
        {
            errors.Add(FieldError.Invalid("spec.resourceAttributes", "\"null\"",
                "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
        return errors;
    }

    protected static ApiException Invalid(IEnumerable<FieldError> errors) =>
        ApiErrors.Invalid("", AuthzGroup, "", errors.ToArray());

    /// <summary>%#v of the internal NonResourceAttributes, as field.Invalid prints it.</summary>
    protected static string RenderNonResource(JsonObject a) =>
        $"authorization.NonResourceAttributes{{Path:{GoFormat.Quote(Str(a, "path"))}, Verb:{GoFormat.Quote(Str(a, "verb"))}}}";

    protected static string Str(JsonNode? o, string key) => KubeObject.Str(o?[key]) ?? "";

    /// <summary>The attributes spec, re-serialised with the known members (omitempty) as the server echoes it.</summary>
    protected static JsonObject EchoAttributes(JsonObject spec)
    {
        var o = new JsonObject();
        if (spec["resourceAttributes"] is JsonObject r)
        {
            var ra = new JsonObject();
            foreach (var key in new[] { "namespace", "verb", "group", "version", "resource", "subresource", "name" })
            {
                if (Str(r, key) is { Length: > 0 } v) ra[key] = v;
            }
            o["resourceAttributes"] = ra;
        }
        if (spec["nonResourceAttributes"] is JsonObject n)
        {
            var na = new JsonObject();
            foreach (var key in new[] { "path", "verb" })
            {
                if (Str(n, key) is { Length: > 0 } v) na[key] = v;
            }
            o["nonResourceAttributes"] = na;
        }
        return o;
    }

    /// <summary>authorizationutil.AuthorizationAttributesFrom.</summary>
    protected static RequestAttributes AttributesFor(UserInfo user, JsonObject spec)
    {
        if (spec["resourceAttributes"] is JsonObject r)
        {
            var version = Str(r, "version");
            return new RequestAttributes(user, Str(r, "verb"), true, "", Str(r, "group"), version.Length > 0 ? version : "*",
                Str(r, "resource"), Str(r, "subresource"), Str(r, "namespace"), Str(r, "name"));
        }
        var n = spec["nonResourceAttributes"] as JsonObject;
        return new RequestAttributes(user, Str(n, "verb"), false, Str(n, "path"));
    }

    protected JsonObject Status(RequestAttributes attributes)
    {
        var decision = Authorizer.Authorize(attributes);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0)
        {
            status["reason"] = decision.Reason;
        }
        return status;
    }

    protected JsonObject Envelope(JsonObject metadata, JsonObject spec, JsonObject status) => new()
    {
        ["kind"] = Kind,
        ["apiVersion"] = AuthzGroup + "/v1",
        ["metadata"] = metadata,
        ["spec"] = spec,
        ["status"] = status,
    };

    protected static UserInfo SubjectOf(JsonObject spec)
    {
        var extra = new Dictionary<string, IReadOnlyList<string>>();
        if (spec["extra"] is JsonObject e)
        {
            foreach (var (k, v) in e)
            {
                extra[k] = KubeObject.Strings(v);
            }
        }
        return new UserInfo(Str(spec, "user"), Str(spec, "uid"), KubeObject.Strings(spec["groups"]), extra);
    }

    protected static void EchoSubject(JsonObject outSpec, JsonObject spec)
    {
        if (Str(spec, "user") is { Length: > 0 } user) outSpec["user"] = user;
        if (KubeObject.Strings(spec["groups"]) is { Count: > 0 } groups) outSpec["groups"] = KubeObject.ToArray(groups);
        if (spec["extra"] is JsonObject { Count: > 0 } extra) outSpec["extra"] = extra.DeepClone();
        if (Str(spec, "uid") is { Length: > 0 } uid) outSpec["uid"] = uid;
    }
}

public sealed class SubjectAccessReviewHandler(SandboxAuthorizer authorizer) : AccessReviewHandlerBase(authorizer)
{
    public override string Resource => "subjectaccessreviews";
    public override string Kind => "SubjectAccessReview";

    protected override JsonObject Review(RequestContext context, JsonObject body, JsonObject spec)
    {
        var errors = ValidateAttributes(spec);
        if (Str(spec, "user").Length == 0 && KubeObject.Strings(spec["groups"]).Count == 0)
        {
            errors.Add(FieldError.Invalid("spec.user", "\"\"", "at least one of user or group must be specified"));
        }
        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }
        var outSpec = EchoAttributes(spec);
        EchoSubject(outSpec, spec);
        return Envelope(new JsonObject { ["creationTimestamp"] = null }, outSpec, Status(AttributesFor(SubjectOf(spec), spec)));
    }
}

public sealed class LocalSubjectAccessReviewHandler(SandboxAuthorizer authorizer) : AccessReviewHandlerBase(authorizer)
{
    public override string Resource => "localsubjectaccessreviews";
    public override string Kind => "LocalSubjectAccessReview";
    protected override string SpecType => "SubjectAccessReviewSpec";
    public override bool Namespaced => true;

    protected override JsonObject Review(RequestContext context, JsonObject body, JsonObject spec)
    {
        var ns = context.Namespace ?? "";
        if (ns.Length == 0)
        {
            throw ApiErrors.BadRequest("namespace is required on this type: ");
        }
        var bodyNamespace = Str(body["metadata"], "namespace");
        if (bodyNamespace.Length > 0 && bodyNamespace != ns)
        {
            throw ApiErrors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        var errors = ValidateAttributes(spec);
        if (Str(spec, "user").Length == 0 && KubeObject.Strings(spec["groups"]).Count == 0)
        {
            errors.Add(FieldError.Invalid("spec.user", "\"\"", "at least one of user or group must be specified"));
        }
        if (spec["resourceAttributes"] is JsonObject r && Str(r, "namespace") != ns)
        {
            errors.Add(FieldError.Invalid("spec.resourceAttributes.namespace", GoFormat.Quote(Str(r, "namespace")), "must match metadata.namespace"));
        }
        if (spec["nonResourceAttributes"] is JsonObject n)
        {
            errors.Add(FieldError.Invalid("spec.nonResourceAttributes", RenderNonResource(n), "disallowed on this kind of request"));
        }
        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }
        var outSpec = EchoAttributes(spec);
        EchoSubject(outSpec, spec);
        return Envelope(new JsonObject { ["namespace"] = ns, ["creationTimestamp"] = null }, outSpec,
            Status(AttributesFor(SubjectOf(spec), spec)));
    }
}

public sealed class SelfSubjectAccessReviewHandler(SandboxAuthorizer authorizer) : AccessReviewHandlerBase(authorizer)
{
    public override string Resource => "selfsubjectaccessreviews";
    public override string Kind => "SelfSubjectAccessReview";

    protected override JsonObject Review(RequestContext context, JsonObject body, JsonObject spec)
    {
        var errors = ValidateAttributes(spec);
        if (errors.Count > 0)
        {
            throw Invalid(errors);
        }
        return Envelope(new JsonObject { ["creationTimestamp"] = null }, EchoAttributes(spec),
            Status(AttributesFor(context.User, spec)));
    }
}

/// <summary>pkg/registry/authorization/selfsubjectrulesreview/rest.go: the caller's rules in one namespace; the
/// response's spec is empty (the server builds a fresh object), lookup errors go to evaluationError.</summary>
public sealed class SelfSubjectRulesReviewHandler(SandboxAuthorizer authorizer) : AccessReviewHandlerBase(authorizer)
{
    public override string Resource => "selfsubjectrulesreviews";
    public override string Kind => "SelfSubjectRulesReview";

    protected override JsonObject Review(RequestContext context, JsonObject body, JsonObject spec)
    {
        var ns = Str(spec, "namespace");
        if (ns.Length == 0)
        {
            throw ApiErrors.BadRequest("no namespace on request");
        }
        var (rules, errors) = Authorizer.RulesFor(context.User, ns);
        JsonNode? resourceRules = null;
        JsonNode? nonResourceRules = null;
        foreach (var rule in rules)
        {
            if (rule.Resources.Count > 0)
            {
                var r = new JsonObject { ["verbs"] = KubeObject.ToArray(rule.Verbs) };
                if (rule.ApiGroups.Count > 0) r["apiGroups"] = KubeObject.ToArray(rule.ApiGroups);
                r["resources"] = KubeObject.ToArray(rule.Resources);
                if (rule.ResourceNames.Count > 0) r["resourceNames"] = KubeObject.ToArray(rule.ResourceNames);
                ((JsonArray)(resourceRules ??= new JsonArray())).Add(r);
            }
            if (rule.NonResourceUrls.Count > 0)
            {
                ((JsonArray)(nonResourceRules ??= new JsonArray())).Add(new JsonObject
                {
                    ["verbs"] = KubeObject.ToArray(rule.Verbs),
                    ["nonResourceURLs"] = KubeObject.ToArray(rule.NonResourceUrls),
                });
            }
        }
        var status = new JsonObject
        {
            ["resourceRules"] = resourceRules,
            ["nonResourceRules"] = nonResourceRules,
            ["incomplete"] = false,
        };
        if (errors.Count > 0)
        {
            status["evaluationError"] = GoFormat.Aggregate(errors);
        }
        return Envelope(new JsonObject { ["creationTimestamp"] = null }, new JsonObject(), status);
    }
}
