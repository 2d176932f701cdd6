using System.Collections.Concurrent;
using k8s.Models;

namespace SaTools.Engine.Rbac;

/// <summary>
/// Bindings indexed by subject, with every role resolved once (aggregation included), so the permissions of
/// each ServiceAccount are found without scanning all bindings. Subject matching follows
/// pkg/registry/rbac/validation/rule.go (appliesToUser): a ServiceAccount subject without a namespace means the
/// binding's namespace (and matches nothing in a ClusterRoleBinding), a User subject matches the
/// ServiceAccount's user name <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>, a Group subject matches the
/// ServiceAccount's groups. Subject kinds are compared exactly, the subject's apiGroup is not looked at.
/// Roles are found as GetRoleReferenceRules does: kind Role in the binding's namespace (so a
/// ClusterRoleBinding to a Role finds nothing), kind ClusterRole by name, any other kind is unsupported.
/// </summary>
public sealed class RbacIndex
{
    public const string ServiceAccountVia = "ServiceAccount";
    public const string UserVia = "User";

    private static readonly SubjectBinding[] NoBindings = Array.Empty<SubjectBinding>();

    private readonly Dictionary<ServiceAccountRef, List<SubjectBinding>> _byServiceAccount = new();
    private readonly Dictionary<string, List<SubjectBinding>> _byGroup = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SubjectBinding[]> _groupBindingsByNamespace = new(StringComparer.Ordinal);
    private readonly List<RbacBinding> _missingRoleBindings = new();

    public RbacIndex(RbacSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Snapshot = snapshot;

        var aggregator = new RoleAggregator(snapshot.ClusterRoles);
        var clusterRoles = new Dictionary<string, ResolvedRole?>(StringComparer.Ordinal);
        ResolvedRole? ClusterRole(string name)
        {
            if (!clusterRoles.TryGetValue(name, out var resolved))
            {
                var rules = aggregator.RulesOf(name);
                resolved = rules is null
                    ? null
                    : new ResolvedRole("ClusterRole", name, null, rules.Select(r => new ResolvedRule(r.Rule, r.AggregatedFrom)).ToList());
                clusterRoles[name] = resolved;
            }

            return resolved;
        }

        var roles = new Dictionary<(string Namespace, string Name), ResolvedRole>();
        foreach (var role in snapshot.Roles)
        {
            var name = role.Metadata?.Name;
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            var ns = role.Metadata!.NamespaceProperty ?? string.Empty;
            roles[(ns, name)] = new ResolvedRole(
                "Role", name, ns, (role.Rules ?? Array.Empty<V1PolicyRule>()).Select(r => new ResolvedRule(RbacRule.From(r), null)).ToList());
        }

        ResolvedRole? Resolve(V1RoleRef? roleRef, string? bindingNamespace) => roleRef?.Kind switch
        {
            "ClusterRole" => ClusterRole(roleRef.Name ?? string.Empty),
            "Role" when !string.IsNullOrEmpty(bindingNamespace) =>
                roles.TryGetValue((bindingNamespace, roleRef.Name ?? string.Empty), out var role) ? role : null,
            _ => null,
        };

        foreach (var crb in snapshot.ClusterRoleBindings)
        {
            var binding = new RbacBinding(
                BindingKind.ClusterRoleBinding, crb.Metadata?.Name ?? string.Empty, null,
                crb.RoleRef?.Kind ?? string.Empty, crb.RoleRef?.Name ?? string.Empty, Resolve(crb.RoleRef, null));
            AddBinding(binding, crb.Subjects, bindingNamespace: null);
        }

        foreach (var rb in snapshot.RoleBindings)
        {
            var ns = rb.Metadata?.NamespaceProperty ?? string.Empty;
            var binding = new RbacBinding(
                BindingKind.RoleBinding, rb.Metadata?.Name ?? string.Empty, ns,
                rb.RoleRef?.Kind ?? string.Empty, rb.RoleRef?.Name ?? string.Empty, Resolve(rb.RoleRef, ns));
            AddBinding(binding, rb.Subjects, bindingNamespace: ns);
        }
    }

    public RbacSnapshot Snapshot { get; }

    /// <summary>Every binding whose role does not exist, whoever its subjects are.</summary>
    public IReadOnlyList<MissingRoleReference> MissingRoles =>
        _missingRoleBindings.Select(b => new MissingRoleReference(b.Kind, b.Name, b.Namespace, b.RoleKind, b.RoleName)).ToList();

    /// <summary>The bindings that name this ServiceAccount itself (ServiceAccount or User subjects).</summary>
    internal IReadOnlyList<SubjectBinding> DirectBindings(ServiceAccountRef serviceAccount) =>
        _byServiceAccount.TryGetValue(serviceAccount, out var list) ? list : NoBindings;

    /// <summary>
    /// The bindings every ServiceAccount of a namespace gets through its groups (system:serviceaccounts,
    /// system:serviceaccounts:&lt;ns&gt;, system:authenticated), computed once per namespace.
    /// </summary>
    internal IReadOnlyList<SubjectBinding> GroupBindings(string ns) =>
        _groupBindingsByNamespace.GetOrAdd(ns, n =>
        {
            var result = new List<SubjectBinding>();
            foreach (var group in ServiceAccountRef.GroupsOf(n))
            {
                if (_byGroup.TryGetValue(group, out var list))
                {
                    result.AddRange(list);
                }
            }

            return result.ToArray();
        });

    private void AddBinding(RbacBinding binding, IList<Rbacv1Subject>? subjects, string? bindingNamespace)
    {
        if (binding.Role is null)
        {
            _missingRoleBindings.Add(binding);
        }

        if (subjects is null)
        {
            return;
        }

        foreach (var subject in subjects)
        {
            switch (subject?.Kind)
            {
                case "ServiceAccount":
                    var ns = string.IsNullOrEmpty(subject.NamespaceProperty) ? bindingNamespace : subject.NamespaceProperty;
                    if (!string.IsNullOrEmpty(ns) && !string.IsNullOrEmpty(subject.Name))
                    {
                        Add(_byServiceAccount, new ServiceAccountRef(ns, subject.Name), new SubjectBinding(binding, ServiceAccountVia));
                    }

                    break;
                case "User":
                    var serviceAccount = ServiceAccountRef.FromUserName(subject.Name);
                    if (serviceAccount is not null)
                    {
                        Add(_byServiceAccount, serviceAccount, new SubjectBinding(binding, UserVia));
                    }

                    break;
                case "Group":
                    if (IsServiceAccountGroup(subject.Name))
                    {
                        Add(_byGroup, subject.Name, new SubjectBinding(binding, subject.Name));
                    }

                    break;
            }
        }
    }

    // Only the groups a ServiceAccount can be in are indexed; bindings to other groups never reach one.
    private static bool IsServiceAccountGroup(string? group) =>
        group is not null &&
        (group == ServiceAccountRef.AuthenticatedGroup || group == ServiceAccountRef.AllServiceAccountsGroup ||
         group.StartsWith(ServiceAccountRef.NamespaceGroupPrefix, StringComparison.Ordinal));

    private static void Add<TKey>(Dictionary<TKey, List<SubjectBinding>> index, TKey key, SubjectBinding entry)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = new List<SubjectBinding>(2);
        }
        else if (list[^1].Binding == entry.Binding && list[^1].GrantedVia == entry.GrantedVia)
        {
            // The same binding naming the same subject twice grants nothing more.
            return;
        }

        list.Add(entry);
    }
}

/// <summary>A binding whose role does not exist.</summary>
public sealed record MissingRoleReference(BindingKind BindingKind, string BindingName, string? BindingNamespace, string RoleKind, string RoleName);
