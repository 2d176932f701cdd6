using System.Text.Json.Nodes;
using KubeSandbox.Storage;

namespace KubeSandbox.Api;

/// <summary>One field error (k8s.io/apimachinery pkg/util/validation/field/errors.go).</summary>
public sealed record FieldError(string Field, string Reason, string Body)
{
    /// <summary>"field: body", as field.Error.Error() prints it.</summary>
    public override string ToString() => Field + ": " + Body;

    // ErrorBody(): "Required value[: detail]" or "Invalid value: <value>[: detail]".
    public static FieldError Required(string field, string detail = "") =>
        new(field, "FieldValueRequired", detail.Length == 0 ? "Required value" : "Required value: " + detail);

    public static FieldError Invalid(string field, string goValue, string detail) =>
        new(field, "FieldValueInvalid", "Invalid value: " + goValue + (detail.Length == 0 ? "" : ": " + detail));

    public static FieldError NotSupported(string field, string value, params string[] supported) =>
        new(field, "FieldValueNotSupported",
            "Unsupported value: " + GoQuote(value) + ": supported values: " + string.Join(", ", supported.Select(GoQuote)));

    public static FieldError Forbidden(string field, string detail) =>
        new(field, "FieldValueForbidden", "Forbidden: " + detail);

    public static FieldError TooLong(string field, int max) =>
        new(field, "FieldValueTooLong", $"Too long: must have at most {max} bytes");

    /// <summary>Go's %q for the strings the sandbox meets (ASCII, quotes and backslashes escaped).</summary>
    public static string GoQuote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

    /// <summary>Go's %#v of a []string: []string{"a", "b"}.</summary>
    public static string GoStringSlice(IEnumerable<string> values) => "[]string{" + string.Join(", ", values.Select(GoQuote)) + "}";
}

/// <summary>
/// The Status errors of k8s.io/apimachinery pkg/api/errors/errors.go, with the same messages and details.
/// </summary>
public static class StatusErrors
{
    private static JsonObject Details(ResourceType type, string? name, string? uid = null)
    {
        var d = new JsonObject();
        if (!string.IsNullOrEmpty(name)) d["name"] = name;
        if (type.Group.Length > 0) d["group"] = type.Group;
        d["kind"] = type.Plural;
        if (uid is not null) d["uid"] = uid;
        return d;
    }

    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedResource} \"{name}\" not found", Details(type, name));

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedResource} \"{name}\" already exists", Details(type, name));

    public static ApiException Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": {why}", Details(type, name));

    public const string ObjectModified = "the object has been modified; please apply your changes to the latest version and try again";

    /// <summary>NewInvalid: one cause prints alone, several as "[a, b]" (utilerrors.Aggregate).</summary>
    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors) =>
        Invalid(type.QualifiedKind, type.Group, type.Kind, name, errors);

    public static ApiException Invalid(string qualifiedKind, string group, string kind, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
            causes.Add(new JsonObject { ["reason"] = e.Reason, ["message"] = e.Body, ["field"] = e.Field });
        var details = new JsonObject();
        if (name.Length > 0) details["name"] = name;
        if (group.Length > 0) details["group"] = group;
        if (kind.Length > 0) details["kind"] = kind;
        details["causes"] = causes;
        var agg = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        return new ApiException(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {agg}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>NewForbidden(qualifiedResource, name, err).</summary>
    public static ApiException Forbidden(ResourceType? type, string group, string resource, string? name, string why)
    {
        if (resource.Length == 0)
            return new ApiException(403, "Forbidden", "forbidden: " + why, new JsonObject());
        var qualified = group.Length == 0 ? resource : resource + "." + group;
        var details = new JsonObject();
        if (!string.IsNullOrEmpty(name)) details["name"] = name;
        if (group.Length > 0) details["group"] = group;
        details["kind"] = resource;
        var msg = string.IsNullOrEmpty(name) ? $"{qualified} is forbidden: {why}" : $"{qualified} \"{name}\" is forbidden: {why}";
        return new ApiException(403, "Forbidden", msg, details);
    }

    public static ApiException Forbidden(ResourceType type, string? name, string why) =>
        Forbidden(type, type.Group, type.Plural, name, why);

    public static ApiException NotFoundGeneric() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject());

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException Gone(string message, JsonObject? details = null) => new(410, "Expired", message, details);

    public static ApiException TooManyRequests(string message) => new(429, "TooManyRequests", message, new JsonObject());

    public static ApiException Internal(string message) =>
        new(500, "InternalError", "Internal error occurred: " + message,
            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) });

    public static ApiException ServiceUnavailable(string message) => new(503, "ServiceUnavailable", message, new JsonObject());

    /// <summary>A Status object as the real server writes it (kind, apiVersion, metadata, status, message, reason, details, code).</summary>
    public static JsonObject ToStatus(ApiException e)
    {
        var s = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = e.Message,
            ["reason"] = e.Reason,
        };
        if (e.Details is not null) s["details"] = e.Details.DeepClone();
        s["code"] = e.Code;
        return s;
    }
}
