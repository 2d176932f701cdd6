using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.Validation;

/// <summary>
/// Validation of the served kinds with the real messages: object names (k8s.io/apimachinery
/// pkg/api/validation/objectmeta.go, pkg/util/validation/validation.go), RBAC objects
/// (pkg/apis/rbac/validation/validation.go), and update rules (roleRef is immutable). Throws 422 Invalid.
/// </summary>
public static partial class ObjectValidator
{
    private const string LabelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string SubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string RbacGroup = "rbac.authorization.k8s.io";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    public static void ValidateCreate(ResourceType type, JsonObject obj)
    {
        var errors = new List<FieldError>();
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
        ValidateName(type, name, errors);
        ValidateKind(type, obj, errors);
        if (errors.Count > 0) throw StatusErrors.Invalid(type, name, errors);
    }

    public static void ValidateUpdate(ResourceType type, JsonObject oldObj, JsonObject newObj)
    {
        var errors = new List<FieldError>();
        var name = newObj["metadata"]?["name"]?.GetValue<string>() ?? "";
        ValidateKind(type, newObj, errors);
        if (type.Plural is "rolebindings" or "clusterrolebindings"
            && !JsonNode.DeepEquals(oldObj["roleRef"], newObj["roleRef"]))
        {
            var rr = newObj["roleRef"] as JsonObject;
            string F(string k) => FieldError.GoQuote(rr?[k]?.GetValue<string>() ?? "");
            errors.Add(FieldError.Invalid("roleRef", $"rbac.RoleRef{{APIGroup:{F("apiGroup")}, Kind:{F("kind")}, Name:{F("name")}}}", "cannot change roleRef"));
        }
        if (errors.Count > 0) throw StatusErrors.Invalid(type, name, errors);
    }

    public static void ValidateName(ResourceType type, string name, List<FieldError> errors)
    {
        if (name.Length == 0)
        {
            errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
            return;
        }
        switch (type.NameRule)
        {
            case NameRule.Label:
                if (name.Length > 63) errors.Add(FieldError.Invalid("metadata.name", FieldError.GoQuote(name), "must be no more than 63 characters"));
                if (!Dns1123Label().IsMatch(name)) errors.Add(FieldError.Invalid("metadata.name", FieldError.GoQuote(name), LabelMsg));
                break;
            case NameRule.Subdomain:
                if (name.Length > 253) errors.Add(FieldError.Invalid("metadata.name", FieldError.GoQuote(name), "must be no more than 253 characters"));
                if (!Dns1123Subdomain().IsMatch(name)) errors.Add(FieldError.Invalid("metadata.name", FieldError.GoQuote(name), SubdomainMsg));
                break;
            case NameRule.PathSegment:
                if (name is "." or "..") errors.Add(FieldError.Invalid("metadata.name", FieldError.GoQuote(name), $"may not be '{name}'"));
                foreach (var bad in new[] { "/", "%" })
                    if (name.Contains(bad)) errors.Add(FieldError.Invalid("metadata.name", FieldError.GoQuote(name), $"may not contain '{bad}'"));
                break;
        }
    }

    private static void ValidateKind(ResourceType type, JsonObject obj, List<FieldError> errors)
    {
        switch (type.Plural)
        {
            case "roles": Rules(obj, true, errors); break;
            case "clusterroles": Rules(obj, false, errors); break;
            case "rolebindings": Binding(obj, true, errors); break;
            case "clusterrolebindings": Binding(obj, false, errors); break;
            case "pods": Pod(obj, errors); break;
            case "deployments" or "replicasets" or "statefulsets" or "daemonsets": Workload(type.Plural, obj, errors); break;
        }
    }

    private static string[] Strings(JsonNode? n) =>
        (n as JsonArray)?.Select(x => x?.GetValue<string>() ?? "").ToArray() ?? Array.Empty<string>();

    // ValidatePolicyRule
    private static void Rules(JsonObject obj, bool namespaced, List<FieldError> errors)
    {
        if (obj["rules"] is not JsonArray rules) return;
        for (var i = 0; i < rules.Count; i++)
        {
            var r = rules[i] as JsonObject ?? new JsonObject();
            var p = $"rules[{i}]";
            if (Strings(r["verbs"]).Length == 0) errors.Add(FieldError.Required(p + ".verbs", "verbs must contain at least one value"));
            var nonRes = Strings(r["nonResourceURLs"]);
            if (nonRes.Length > 0)
            {
                if (namespaced)
                    errors.Add(FieldError.Invalid(p + ".nonResourceURLs", FieldError.GoStringSlice(nonRes), "namespaced rules cannot apply to non-resource URLs"));
                if (Strings(r["apiGroups"]).Length > 0 || Strings(r["resources"]).Length > 0 || Strings(r["resourceNames"]).Length > 0)
                    errors.Add(FieldError.Invalid(p + ".nonResourceURLs", FieldError.GoStringSlice(nonRes), "rules cannot apply to both regular resources and non-resource URLs"));
                continue;
            }
            if (Strings(r["apiGroups"]).Length == 0) errors.Add(FieldError.Required(p + ".apiGroups", "resource rules must supply at least one api group"));
            if (Strings(r["resources"]).Length == 0) errors.Add(FieldError.Required(p + ".resources", "resource rules must supply at least one resource"));
        }
    }

    // ValidateRoleBinding / ValidateClusterRoleBinding / ValidateRoleBindingSubject
    private static void Binding(JsonObject obj, bool namespaced, List<FieldError> errors)
    {
        var rr = obj["roleRef"] as JsonObject ?? new JsonObject();
        var apiGroup = rr["apiGroup"]?.GetValue<string>() ?? "";
        var kind = rr["kind"]?.GetValue<string>() ?? "";
        var name = rr["name"]?.GetValue<string>() ?? "";
        if (apiGroup != RbacGroup) errors.Add(FieldError.NotSupported("roleRef.apiGroup", apiGroup, RbacGroup));
        if (namespaced)
        {
            if (kind is not ("Role" or "ClusterRole")) errors.Add(FieldError.NotSupported("roleRef.kind", kind, "Role", "ClusterRole"));
        }
        else if (kind != "ClusterRole") errors.Add(FieldError.NotSupported("roleRef.kind", kind, "ClusterRole"));
        if (name.Length == 0) errors.Add(FieldError.Required("roleRef.name"));
        else if (name is "." or ".." || name.Contains('/') || name.Contains('%'))
            errors.Add(FieldError.Invalid("roleRef.name", FieldError.GoQuote(name), name.Contains('/') ? "may not contain '/'" : name.Contains('%') ? "may not contain '%'" : $"may not be '{name}'"));
        if (obj["subjects"] is not JsonArray subjects) return;
        for (var i = 0; i < subjects.Count; i++)
        {
            var s = subjects[i] as JsonObject ?? new JsonObject();
            var p = $"subjects[{i}]";
            var sName = s["name"]?.GetValue<string>() ?? "";
            var sKind = s["kind"]?.GetValue<string>() ?? "";
            var sGroup = s["apiGroup"]?.GetValue<string>() ?? "";
            var sNs = s["namespace"]?.GetValue<string>() ?? "";
            if (sName.Length == 0) errors.Add(FieldError.Required(p + ".name"));
            switch (sKind)
            {
                case "ServiceAccount":
                    if (sName.Length > 0 && !Dns1123Subdomain().IsMatch(sName))
                        errors.Add(FieldError.Invalid(p + ".name", FieldError.GoQuote(sName), SubdomainMsg));
                    if (sGroup.Length > 0) errors.Add(FieldError.NotSupported(p + ".apiGroup", sGroup, ""));
                    if (!namespaced && sNs.Length == 0) errors.Add(FieldError.Required(p + ".namespace"));
                    break;
                case "User" or "Group":
                    if (sGroup != RbacGroup) errors.Add(FieldError.NotSupported(p + ".apiGroup", sGroup, RbacGroup));
                    break;
                default:
                    errors.Add(FieldError.NotSupported(p + ".kind", sKind, "ServiceAccount", "User", "Group"));
                    break;
            }
        }
    }

    /// <summary>
    /// The part of pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec, ValidateReplicaSetSpec,
    /// ValidateStatefulSetSpec, ValidateDaemonSetSpec) a hand-written object most often gets wrong: a selector is
    /// required, must not be empty, and must match the pod template's labels; the template needs containers.
    /// Only matchLabels selectors are checked against the labels.
    /// </summary>
    private static void Workload(string resource, JsonObject obj, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject ?? new JsonObject();
        var templateLabels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        if (spec["selector"] is not JsonObject selector) errors.Add(FieldError.Required("spec.selector"));
        else
        {
            var matchLabels = selector["matchLabels"] as JsonObject;
            var hasExpressions = selector["matchExpressions"] is JsonArray { Count: > 0 };
            if (matchLabels is not { Count: > 0 } && !hasExpressions)
                errors.Add(FieldError.Invalid("spec.selector", "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}", resource switch
                {
                    // The wording of each Validate*Spec (the ReplicaSet's says "deployment" too).
                    "statefulsets" => "empty selector is invalid for statefulset",
                    "daemonsets" => "empty selector is not valid for daemonset.",
                    _ => "empty selector is invalid for deployment",
                }));
            else if (!hasExpressions && matchLabels!.Any(kv => templateLabels?[kv.Key]?.GetValue<string>() != kv.Value?.GetValue<string>()))
                errors.Add(FieldError.Invalid("spec.template.metadata.labels", GoStringMap(templateLabels), "`selector` does not match template `labels`"));
        }
        PodContainers(spec["template"]?["spec"] as JsonObject, "spec.template.spec", errors);
    }

    private static string GoStringMap(JsonObject? map) => map is null
        ? "map[string]string(nil)"
        : "map[string]string{" + string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => FieldError.GoQuote(kv.Key) + ":" + FieldError.GoQuote(kv.Value?.GetValue<string>() ?? ""))) + "}";

    private static void Pod(JsonObject obj, List<FieldError> errors) => PodContainers(obj["spec"] as JsonObject, "spec", errors);

    private static void PodContainers(JsonObject? spec, string path, List<FieldError> errors)
    {
        var containers = spec?["containers"] as JsonArray;
        if (containers is null || containers.Count == 0)
        {
            errors.Add(FieldError.Required(path + ".containers"));
            return;
        }
        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i] as JsonObject ?? new JsonObject();
            if (string.IsNullOrEmpty(c["name"]?.GetValue<string>())) errors.Add(FieldError.Required($"{path}.containers[{i}].name"));
            if (string.IsNullOrEmpty(c["image"]?.GetValue<string>())) errors.Add(FieldError.Required($"{path}.containers[{i}].image"));
        }
    }
}
