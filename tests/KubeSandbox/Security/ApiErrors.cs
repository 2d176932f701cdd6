using System.Text.Json.Nodes;
using KubeSandbox.Api;

namespace KubeSandbox.Security;

/// <summary>One field error (k8s.io/apimachinery pkg/util/validation/field.Error).</summary>
public sealed record FieldError(string Field, string Type, string Detail)
{
    /// <summary>field.Invalid with the value already rendered as Go's %v/%q would render it.</summary>
    public static FieldError Invalid(string field, string renderedValue, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: {renderedValue}: {detail}");

    public static FieldError Required(string field) => new(field, "FieldValueRequired", "Required value");

    public string Reason => Type;
}

/// <summary>The Status errors of k8s.io/apimachinery pkg/api/errors, with the real server's wording.</summary>
public static class ApiErrors
{
    /// <summary>errors.NewInvalid: <c>Kind.group "name" is invalid: field: detail</c>, causes in details.</summary>
    public static ApiException Invalid(string kind, string group, string name, params FieldError[] errors)
    {
        var qualified = group.Length > 0 ? kind + "." + group : kind;
        var aggregate = GoFormat.Aggregate(errors.Select(e => e.Field + ": " + e.Detail));
        var causes = new JsonArray();
        foreach (var e in errors)
        {
            causes.Add(new JsonObject { ["reason"] = e.Reason, ["message"] = e.Detail, ["field"] = e.Field });
        }
        var details = new JsonObject();
        if (name.Length > 0) details["name"] = name;
        if (group.Length > 0) details["group"] = group;
        if (kind.Length > 0) details["kind"] = kind;
        details["causes"] = causes;
        return new ApiException(422, "Invalid", $"{qualified} {GoFormat.Quote(name)} is invalid: {aggregate}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>errors.NewNotFound for a core or grouped resource.</summary>
    public static ApiException NotFound(string resource, string group, string name)
    {
        var qualified = group.Length > 0 ? resource + "." + group : resource;
        var details = new JsonObject { ["name"] = name };
        if (group.Length > 0) details["group"] = group;
        details["kind"] = resource;
        return new ApiException(404, "NotFound", $"{qualified} {GoFormat.Quote(name)} not found", details);
    }

    /// <summary>responsewriters.Forbidden for a denied request (forbiddenMessage + errors.NewForbidden); the
    /// authorizer's reason, when there is one, follows a colon.</summary>
    public static ApiException Forbidden(RequestAttributes a, string reason)
    {
        string message;
        if (!a.IsResourceRequest)
        {
            message = $"User {GoFormat.Quote(a.User.Name)} cannot {a.Verb} path {GoFormat.Quote(a.Path)}";
        }
        else
        {
            var resource = a.Subresource.Length > 0 ? a.Resource + "/" + a.Subresource : a.Resource;
            message = a.Namespace.Length > 0
                ? $"User {GoFormat.Quote(a.User.Name)} cannot {a.Verb} resource {GoFormat.Quote(resource)} in API group {GoFormat.Quote(a.ApiGroup)} in the namespace {GoFormat.Quote(a.Namespace)}"
                : $"User {GoFormat.Quote(a.User.Name)} cannot {a.Verb} resource {GoFormat.Quote(resource)} in API group {GoFormat.Quote(a.ApiGroup)} at the cluster scope";
        }
        if (reason.Length > 0)
        {
            message += ": " + reason;
        }
        var details = new JsonObject();
        string full;
        if (!a.IsResourceRequest || a.Resource.Length == 0)
        {
            full = "forbidden: " + message;
        }
        else
        {
            var qualified = a.ApiGroup.Length > 0 ? a.Resource + "." + a.ApiGroup : a.Resource;
            full = a.Name.Length > 0 ? $"{qualified} {GoFormat.Quote(a.Name)} is forbidden: {message}" : $"{qualified} is forbidden: {message}";
            if (a.Name.Length > 0) details["name"] = a.Name;
            if (a.ApiGroup.Length > 0) details["group"] = a.ApiGroup;
            details["kind"] = a.Resource;
        }
        return new ApiException(403, "Forbidden", full, details);
    }

    /// <summary>The decoder's answer to a body of another kind (records tr-wrong-kind-body, err-kind-mismatch):
    /// <c>ConfigMap in version "v1" cannot be handled as a TokenRequest: converting (v1.ConfigMap) to
    /// (authentication.TokenRequest): unknown conversion</c>. Null when the body is of the expected kind or names none.</summary>
    public static ApiException? WrongKind(JsonObject body, string expectedGroup, string expectedVersion, string expectedKind)
    {
        var kind = KubeObject.Str(body["kind"]);
        var apiVersion = KubeObject.Str(body["apiVersion"]);
        var expectedApiVersion = expectedGroup.Length > 0 ? expectedGroup + "/" + expectedVersion : expectedVersion;
        if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(apiVersion) || (kind == expectedKind && apiVersion == expectedApiVersion))
        {
            return null;
        }
        var version = apiVersion.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;
        var internalPackage = expectedGroup.Length == 0 ? "core" : expectedGroup.Split('.')[0];
        return BadRequest($"{kind} in version {GoFormat.Quote(apiVersion)} cannot be handled as a {expectedKind}: " +
                          $"converting ({version}.{kind}) to ({internalPackage}.{expectedKind}): unknown conversion");
    }
}
