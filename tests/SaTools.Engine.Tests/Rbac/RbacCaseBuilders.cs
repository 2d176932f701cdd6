using System.Text;

namespace SaTools.Tests.Rbac;

// Plain-text builders for RBAC manifests (YAML in flow style), shared by the engine tests (parsed offline) and the
// module tests (created in a sandbox). No engine or KubernetesClient type here, so both test projects can link it.

/// <summary>A request as <c>kubectl auth can-i</c> asks it: resource (kubectl spelling, with /subresource) or URL.</summary>
public sealed record CaseRequest(
    string Verb,
    string? Resource = null,
    string? ApiGroup = null,
    string? Name = null,
    string? Namespace = null,
    string? Url = null)
{
    public override string ToString() =>
        Url is not null
            ? $"{Verb} {Url}"
            : $"{Verb} {Resource}{(ApiGroup is null ? "" : $" group={ApiGroup}")}{(Name is null ? "" : $" name={Name}")} {(Namespace is null ? "(cluster)" : "-n " + Namespace)}";
}

/// <summary>
/// One table row: the RBAC objects (the whole RBAC state), the ServiceAccount asking, the request, and whether the
/// Kubernetes RBAC authorizer allows it. <see cref="Rule"/> names the rule of Kubernetes the case exercises.
/// </summary>
public sealed record RbacCase(
    string Id,
    string Rule,
    string Manifests,
    string SaNamespace,
    string SaName,
    CaseRequest Request,
    bool Allowed)
{
    public override string ToString() => Id;
}

public static class Rbac
{
    public static string Rule(string verbs, string? groups = "", string? resources = null, string? names = null, string? urls = null)
    {
        var sb = new StringBuilder("{");
        sb.Append("verbs: ").Append(List(verbs));
        if (urls is not null)
        {
            sb.Append(", nonResourceURLs: ").Append(List(urls));
        }
        else
        {
            sb.Append(", apiGroups: ").Append(List(groups ?? ""));
            sb.Append(", resources: ").Append(List(resources ?? ""));
            if (names is not null)
            {
                sb.Append(", resourceNames: ").Append(List(names));
            }
        }

        return sb.Append('}').ToString();
    }

    /// <summary>A comma-separated list as a YAML flow sequence; "" is [""] (the core group); "-" is [].</summary>
    public static string List(string csv) =>
        csv == "-" ? "[]" : "[" + string.Join(", ", csv.Split(',').Select(v => "\"" + v.Trim() + "\"")) + "]";

    public static string Role(string ns, string name, params string[] rules) =>
        $"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: \"{name}\", namespace: \"{ns}\"}}\nrules: [{string.Join(", ", rules)}]\n";

    public static string ClusterRole(string name, params string[] rules) => ClusterRole(name, null, rules);

    public static string ClusterRole(string name, IDictionary<string, string>? labels, params string[] rules)
    {
        var labelText = labels is null ? "" : ", labels: {" + string.Join(", ", labels.Select(l => $"\"{l.Key}\": \"{l.Value}\"")) + "}";
        return $"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: \"{name}\"{labelText}}}\nrules: [{string.Join(", ", rules)}]\n";
    }

    /// <summary>An aggregated ClusterRole; each selector is YAML flow text like <c>{matchLabels: {a: "b"}}</c>.</summary>
    public static string AggregatedClusterRole(string name, string[] selectors, params string[] storedRules) =>
        $"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: \"{name}\"}}\naggregationRule: {{clusterRoleSelectors: [{string.Join(", ", selectors)}]}}\nrules: [{string.Join(", ", storedRules)}]\n";

    public static string RoleBinding(string ns, string name, string roleKind, string roleName, params string[] subjects) =>
        $"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {{name: \"{name}\", namespace: \"{ns}\"}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {roleKind}, name: \"{roleName}\"}}\nsubjects: [{string.Join(", ", subjects)}]\n";

    public static string ClusterRoleBinding(string name, string roleName, params string[] subjects) =>
        ClusterRoleBindingTo(name, "ClusterRole", roleName, subjects);

    public static string ClusterRoleBindingTo(string name, string roleKind, string roleName, params string[] subjects) =>
        $"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: \"{name}\"}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {roleKind}, name: \"{roleName}\"}}\nsubjects: [{string.Join(", ", subjects)}]\n";

    public static string ServiceAccount(string ns, string name) =>
        $"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{name: \"{name}\", namespace: \"{ns}\"}}\n";

    public static string Sa(string name, string? ns = null) =>
        ns is null ? $"{{kind: ServiceAccount, name: \"{name}\"}}" : $"{{kind: ServiceAccount, name: \"{name}\", namespace: \"{ns}\"}}";

    public static string User(string name) => $"{{apiGroup: rbac.authorization.k8s.io, kind: User, name: \"{name}\"}}";

    public static string Group(string name) => $"{{apiGroup: rbac.authorization.k8s.io, kind: Group, name: \"{name}\"}}";

    public static string Subject(string kind, string name) => $"{{kind: {kind}, name: \"{name}\"}}";

    public static string Docs(params string[] documents) => string.Join("---\n", documents);
}
