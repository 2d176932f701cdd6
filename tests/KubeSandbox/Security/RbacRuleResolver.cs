using System.Text.Json.Nodes;
using KubeSandbox.Storage;

namespace KubeSandbox.Security;

/// <summary>
/// Finds the rules that apply to a user: pkg/registry/rbac/validation/rule.go DefaultRuleResolver
/// (VisitRulesFor, GetRoleReferenceRules, appliesTo, the binding describers), reading the store on every call.
/// </summary>
public sealed class RbacRuleResolver
{
    private readonly IObjectStore _store;

    public RbacRuleResolver(IObjectStore store) => _store = store;

    /// <summary>One visited rule, or a lookup error (<paramref name="Rule"/> null), with the binding that gave it.</summary>
    public delegate bool Visitor(string? source, PolicyRule? rule, string? error);

    /// <summary>ClusterRoleBindings first, then the RoleBindings of <paramref name="ns"/> (when given); stops when
    /// the visitor returns false.</summary>
    public void VisitRulesFor(UserInfo user, string ns, Visitor visitor)
    {
        foreach (var binding in _store.List("clusterrolebindings", null))
        {
            if (!AppliesTo(user, binding, "", out var subject))
            {
                continue;
            }
            var roleRef = binding["roleRef"];
            var rules = RoleReferenceRules(roleRef, "", out var error);
            if (rules is null)
            {
                if (!visitor(null, null, error))
                {
                    return;
                }
                continue;
            }
            var source = $"ClusterRoleBinding {GoFormat.Quote(KubeObject.Name(binding))} of {KubeObject.Str(roleRef?["kind"])} " +
                         $"{GoFormat.Quote(KubeObject.Str(roleRef?["name"]) ?? "")} to {DescribeSubject(subject!, "")}";
            foreach (var rule in rules)
            {
                if (!visitor(source, rule, null))
                {
                    return;
                }
            }
        }

        if (ns.Length == 0)
        {
            return;
        }
        foreach (var binding in _store.List("rolebindings", ns))
        {
            if (!AppliesTo(user, binding, ns, out var subject))
            {
                continue;
            }
            var roleRef = binding["roleRef"];
            var rules = RoleReferenceRules(roleRef, ns, out var error);
            if (rules is null)
            {
                if (!visitor(null, null, error))
                {
                    return;
                }
                continue;
            }
            var source = $"RoleBinding {GoFormat.Quote(KubeObject.Name(binding) + "/" + ns)} of {KubeObject.Str(roleRef?["kind"])} " +
                         $"{GoFormat.Quote(KubeObject.Str(roleRef?["name"]) ?? "")} to {DescribeSubject(subject!, ns)}";
            foreach (var rule in rules)
            {
                if (!visitor(source, rule, null))
                {
                    return;
                }
            }
        }
    }

    /// <summary>RulesFor: every rule that applies, and the lookup errors met (non-fatal, as in rule.go).</summary>
    public (List<PolicyRule> Rules, List<string> Errors) RulesFor(UserInfo user, string ns)
    {
        var rules = new List<PolicyRule>();
        var errors = new List<string>();
        VisitRulesFor(user, ns, (_, rule, error) =>
        {
            if (rule is not null)
            {
                rules.Add(rule);
            }
            if (error is not null)
            {
                errors.Add(error);
            }
            return true;
        });
        return (rules, errors);
    }

    /// <summary>GetRoleReferenceRules with the informer listers' NotFound wording
    /// (<c>role.rbac.authorization.k8s.io "x" not found</c>); null and an error when the role is missing.</summary>
    public List<PolicyRule>? RoleReferenceRules(JsonNode? roleRef, string bindingNamespace, out string? error)
    {
        error = null;
        var kind = KubeObject.Str(roleRef?["kind"]) ?? "";
        var name = KubeObject.Str(roleRef?["name"]) ?? "";
        switch (kind)
        {
            case "Role":
            {
                var role = Get("roles", bindingNamespace, name);
                if (role is null)
                {
                    error = $"role.rbac.authorization.k8s.io {GoFormat.Quote(name)} not found";
                    return null;
                }
                return PolicyRule.ListFromJson(role["rules"]);
            }
            case "ClusterRole":
            {
                var role = Get("clusterroles", null, name);
                if (role is null)
                {
                    error = $"clusterrole.rbac.authorization.k8s.io {GoFormat.Quote(name)} not found";
                    return null;
                }
                return PolicyRule.ListFromJson(role["rules"]);
            }
            default:
                error = $"unsupported role reference kind: {GoFormat.Quote(kind)}";
                return null;
        }
    }

    private JsonObject? Get(string resource, string? ns, string name)
    {
        if (name.Length == 0)
        {
            return null;
        }
        try
        {
            return _store.Get(resource, ns, name);
        }
        catch (Api.ApiException)
        {
            return null;
        }
    }

    private static bool AppliesTo(UserInfo user, JsonObject binding, string ns, out JsonNode? subject)
    {
        subject = null;
        if (binding["subjects"] is not JsonArray subjects)
        {
            return false;
        }
        foreach (var s in subjects)
        {
            if (s is not null && AppliesToUser(user, s, ns))
            {
                subject = s;
                return true;
            }
        }
        return false;
    }

    private static bool AppliesToUser(UserInfo user, JsonNode subject, string ns)
    {
        var name = KubeObject.Str(subject["name"]) ?? "";
        switch (KubeObject.Str(subject["kind"]))
        {
            case "User":
                return user.Name == name;
            case "Group":
                return user.Groups.Contains(name);
            case "ServiceAccount":
                // A subject without namespace means the binding's own namespace (never for cluster bindings).
                var saNamespace = KubeObject.Str(subject["namespace"]) is { Length: > 0 } n ? n : ns;
                return saNamespace.Length > 0 && user.Name == ServiceAccountUser.Username(saNamespace, name);
            default:
                return false;
        }
    }

    private static string DescribeSubject(JsonNode subject, string bindingNamespace)
    {
        var kind = KubeObject.Str(subject["kind"]) ?? "";
        var name = KubeObject.Str(subject["name"]) ?? "";
        if (kind == "ServiceAccount")
        {
            var ns = KubeObject.Str(subject["namespace"]) is { Length: > 0 } n ? n : bindingNamespace;
            return $"{kind} {GoFormat.Quote(name + "/" + ns)}";
        }
        return $"{kind} {GoFormat.Quote(name)}";
    }
}
