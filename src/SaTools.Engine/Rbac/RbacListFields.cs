using k8s.Models;
using SaTools.Engine.Api;

namespace SaTools.Engine.Rbac;

/// <summary>
/// What the RBAC evaluation reads of the lists it pages (<see cref="KubeApi"/> parses only these fields, see
/// <see cref="ListFields"/>): each object's name, namespace and uid (the pager's restarts), a ClusterRole's labels
/// (the aggregation selectors, <see cref="RoleAggregator"/>), the rules, aggregationRule, subjects and roleRef; of a
/// ServiceAccount, for <see cref="EffectivePermissionReader"/>, only its name and namespace. Everything else of an
/// object (managedFields, annotations such as kubectl's last-applied-configuration, timestamps) is skipped unbuilt:
/// on a real cluster that is most of each object, since every write records which manager owns which field
/// (kubernetes.io/docs/reference/using-api/server-side-apply, "Field management").
/// <para>
/// The audit reads a few more fields of its ServiceAccounts (<see cref="Audit.AuditServiceAccountFields"/>), so
/// this applies to its RBAC lists only.
/// </para>
/// </summary>
internal static class RbacListFields
{
    public static readonly ListFields Fields = new(new Dictionary<Type, string[]>
    {
        [typeof(V1ObjectMeta)] = ["name", "namespace", "uid", "labels"],
        [typeof(V1Role)] = ["metadata", "rules"],
        [typeof(V1ClusterRole)] = ["metadata", "rules", "aggregationRule"],
        [typeof(V1RoleBinding)] = ["metadata", "subjects", "roleRef"],
        [typeof(V1ClusterRoleBinding)] = ["metadata", "subjects", "roleRef"],
        [typeof(V1ServiceAccount)] = ["metadata"],
    });
}
