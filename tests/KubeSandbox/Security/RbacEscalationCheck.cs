using System.Text.Json.Nodes;
using KubeSandbox.Api;

namespace KubeSandbox.Security;

/// <summary>
/// RBAC's escalation prevention, run as admission on writes of roles, clusterroles, rolebindings and
/// clusterrolebindings: pkg/registry/rbac/escalation_check.go (EscalationAllowed, RoleEscalationAuthorized,
/// BindingAuthorized), pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased/storage.go
/// and pkg/registry/rbac/validation/rule.go ConfirmNoEscalation. A user may write a role only with rules they
/// hold (or with <c>escalate</c> on it), and a binding only to a role whose rules they hold (or with <c>bind</c>).
/// </summary>
public sealed class RbacEscalationCheck : IAdmissionCheck
{
    private const string Group = "rbac.authorization.k8s.io";

    /// <summary>clusterrole/policybased/storage.go fullAuthority, required to set an aggregationRule.</summary>
    private static readonly PolicyRule[] FullAuthority =
    {
        PolicyRule.Resource(new[] { "*" }, new[] { "*" }, new[] { "*" }),
        PolicyRule.NonResource(new[] { "*" }, "*"),
    };

    private readonly SandboxAuthorizer _authorizer;
    private readonly RbacRuleResolver _resolver;

    public RbacEscalationCheck(SandboxAuthorizer authorizer, RbacRuleResolver resolver)
    {
        _authorizer = authorizer;
        _resolver = resolver;
    }

    public void Admit(RequestContext context, string resource, JsonObject? oldObject, JsonObject newObject)
    {
        if (resource is not ("roles" or "clusterroles" or "rolebindings" or "clusterrolebindings"))
        {
            return;
        }
        // EscalationAllowed: system:masters may do anything.
        if (context.User.Groups.Contains(ServiceAccountUser.Masters))
        {
            return;
        }
        var ns = resource is "roles" or "rolebindings"
            ? (context.Namespace ?? KubeObject.Str(newObject["metadata"]?["namespace"]) ?? "")
            : "";
        var name = KubeObject.Name(newObject);

        if (resource is "roles" or "clusterroles")
        {
            var rules = PolicyRule.ListFromJson(newObject["rules"]);
            // RoleEscalationAuthorized uses the request's name: none on a create (a POST to the collection).
            if (Allowed(context.User, "escalate", resource, ns, oldObject is null ? "" : context.Name ?? ""))
            {
                return;
            }
            if (IsOnlyMutatingGcFields(oldObject, newObject))
            {
                return;
            }
            ConfirmNoEscalation(context.User, ns, rules, resource, name);
            // clusterrole/policybased/storage.go: setting, changing or dropping an aggregationRule needs * on *.*.
            if (resource == "clusterroles" && (newObject["aggregationRule"] is JsonObject || oldObject?["aggregationRule"] is JsonObject))
            {
                var (owned, _) = _resolver.RulesFor(context.User, ns);
                if (PolicyComparator.Uncovered(owned, FullAuthority).Count > 0)
                {
                    throw Forbidden(resource, name, "must have cluster-admin privileges to use the aggregationRule");
                }
            }
            return;
        }

        var roleRef = newObject["roleRef"];
        if (IsOnlyMutatingGcFields(oldObject, newObject))
        {
            return;
        }
        var refKind = KubeObject.Str(roleRef?["kind"]);
        var refName = KubeObject.Str(roleRef?["name"]) ?? "";
        // BindingAuthorized: "bind" on the referenced role, in the binding's namespace.
        if (refKind is "Role" or "ClusterRole"
            && Allowed(context.User, "bind", refKind == "Role" ? "roles" : "clusterroles", ns, refName,
                KubeObject.Str(roleRef?["apiGroup"]) ?? ""))
        {
            return;
        }
        var boundRules = _resolver.RoleReferenceRules(roleRef, ns, out _);
        if (boundRules is null)
        {
            // The registry getter's NotFound (plural, with group), not the lister's.
            var plural = refKind == "Role" ? "roles" : "clusterroles";
            throw new ApiException(404, "NotFound", $"{plural}.{Group} {GoFormat.Quote(refName)} not found",
                new JsonObject { ["name"] = refName, ["group"] = Group, ["kind"] = plural });
        }
        ConfirmNoEscalation(context.User, ns, boundRules, resource, name);
    }

    /// <summary>pkg/registry/rbac/helpers.go IsOnlyMutatingGCFields, which every policybased Update checks first:
    /// an update that changes nothing but ownerReferences and finalizers (and managedFields, selfLink) is let
    /// through, so the garbage collector can always finish; any other change, even of a label, is checked.</summary>
    private static bool IsOnlyMutatingGcFields(JsonObject? oldObject, JsonObject newObject)
    {
        if (oldObject is null)
        {
            return false;
        }
        var copied = (JsonObject)newObject.DeepClone();
        var old = (JsonObject)oldObject.DeepClone();
        // The registry compares internal objects, which carry no apiVersion/kind.
        foreach (var o in new[] { copied, old })
        {
            o.Remove("apiVersion");
            o.Remove("kind");
        }
        if (copied["metadata"] is not JsonObject copiedMeta)
        {
            return false;
        }
        var oldMeta = old["metadata"] as JsonObject;
        foreach (var field in new[] { "ownerReferences", "finalizers", "selfLink", "managedFields" })
        {
            copiedMeta.Remove(field);
            if (oldMeta?[field] is { } value)
            {
                copiedMeta[field] = value.DeepClone();
            }
        }
        return JsonNode.DeepEquals(copied, old);
    }

    private bool Allowed(UserInfo user, string verb, string resource, string ns, string name, string group = Group) =>
        _authorizer.Authorize(new RequestAttributes(user, verb, true, "", group, "*", resource, "", ns, name)).Allowed;

    private void ConfirmNoEscalation(UserInfo user, string ns, IReadOnlyList<PolicyRule> rules, string resource, string name)
    {
        var (owned, errors) = _resolver.RulesFor(user, ns);
        var missing = PolicyComparator.Uncovered(owned, rules);
        if (missing.Count == 0)
        {
            return;
        }
        var descriptions = PolicyComparator.Compact(missing).Select(r => r.CompactString())
            .Distinct().OrderBy(s => s, StringComparer.Ordinal);
        var message = $"user {GoFormat.Quote(user.Name)} (groups={GoFormat.QuoteList(user.Groups)}) is attempting to grant " +
                      "RBAC permissions not currently held:\n" + string.Join("\n", descriptions);
        if (errors.Count > 0)
        {
            // fmt %v of a []error holding one aggregate.
            message += "; resolution errors: [" + GoFormat.Aggregate(errors) + "]";
        }
        throw Forbidden(resource, name, message);
    }

    private static ApiException Forbidden(string resource, string name, string why) =>
        new(403, "Forbidden", $"{resource}.{Group} {GoFormat.Quote(name)} is forbidden: {why}",
            new JsonObject { ["name"] = name, ["group"] = Group, ["kind"] = resource });
}
