using k8s.Models;
using SaTools.Engine.Api;

namespace SaTools.Engine.Rbac;

/// <summary>
/// Reads the RBAC state of a cluster with the fewest requests: one paged list across all namespaces for each of
/// ClusterRoles, ClusterRoleBindings, Roles, RoleBindings and ServiceAccounts, never one request per
/// ServiceAccount or per namespace. The five lists are read at the same time (<see cref="ConcurrentLists"/>).
/// </summary>
public sealed class RbacSnapshotReader
{
    private readonly KubeApi _api;

    public RbacSnapshotReader(KubeApi api) => _api = api ?? throw new ArgumentNullException(nameof(api));

    /// <summary>
    /// Reads everything. A 403 on any list becomes a <see cref="KubeApiException"/> of kind
    /// <see cref="KubeErrorKind.Forbidden"/> whose message names the permission that is missing.
    /// </summary>
    public Task<RbacSnapshot> ReadAsync(bool includeServiceAccounts, Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ReadAsync(includeServiceAccounts, serviceAccountFields: null, onPage, cancellationToken);

    /// <summary>The same, with only <paramref name="serviceAccountFields"/> of each ServiceAccount (null: whole), for
    /// a caller that reads a few (the audit: <see cref="Audit.AuditServiceAccountFields"/>).</summary>
    internal async Task<RbacSnapshot> ReadAsync(bool includeServiceAccounts, ListFields? serviceAccountFields, Action<ListProgress>? onPage, CancellationToken cancellationToken)
    {
        await using var lists = _api.StartLists(cancellationToken);
        // Only the fields the evaluation and the audit's binding checks read (RbacListFields).
        var fields = RbacListFields.Fields;
        var clusterRoles = Collect(lists, "clusterroles", "rbac.authorization.k8s.io", t => _api.ListClusterRolesAsync(onPage, t, fields));
        var clusterRoleBindings = Collect(lists, "clusterrolebindings", "rbac.authorization.k8s.io", t => _api.ListClusterRoleBindingsAsync(onPage, t, fields));
        var roles = Collect(lists, "roles", "rbac.authorization.k8s.io", t => _api.ListRolesAsync(null, onPage, t, fields));
        var roleBindings = Collect(lists, "rolebindings", "rbac.authorization.k8s.io", t => _api.ListRoleBindingsAsync(null, onPage, t, fields));
        var serviceAccounts = includeServiceAccounts
            ? Collect(lists, "serviceaccounts", "", t => _api.ListServiceAccountsAsync(null, null, onPage, t, fields: serviceAccountFields))
            : Task.FromResult(new List<V1ServiceAccount>());
        await lists.WhenAllAsync().ConfigureAwait(false);
        return new RbacSnapshot(
            await roles.ConfigureAwait(false), await clusterRoles.ConfigureAwait(false), await roleBindings.ConfigureAwait(false),
            await clusterRoleBindings.ConfigureAwait(false), await serviceAccounts.ConfigureAwait(false));
    }

    /// <summary>Reads one of the lists whole (<see cref="ReadEach"/>).</summary>
    internal static async Task<List<T>> Collect<T>(ConcurrentLists lists, string resource, string group, Func<CancellationToken, IAsyncEnumerable<T>> list)
    {
        var result = new List<T>();
        await ReadEach(lists, resource, group, list, result.Add).ConfigureAwait(false);
        return result;
    }

    /// <summary>Reads one of the lists on <paramref name="lists"/>, handing each item to <paramref name="onItem"/> as
    /// its page arrives; a 403 becomes the message that names the missing permission. (<see cref="EffectivePermissionReader"/>
    /// reads the same lists this way.)</summary>
    internal static Task ReadEach<T>(ConcurrentLists lists, string resource, string group, Func<CancellationToken, IAsyncEnumerable<T>> list, Action<T> onItem) =>
        lists.Start(async token =>
        {
            try
            {
                await foreach (var item in list(token).WithCancellation(token).ConfigureAwait(false))
                {
                    onItem(item);
                }
            }
            catch (KubeApiException e) when (e.Kind == KubeErrorKind.Forbidden)
            {
                var qualified = group.Length == 0 ? resource : resource + "." + group;
                throw new KubeApiException(
                    KubeErrorKind.Forbidden,
                    $"Reading effective permissions needs 'list' on {qualified} in all namespaces (cluster-wide, through a ClusterRoleBinding), " +
                    $"which the caller does not have. The server said: {e.Message}",
                    e)
                {
                    StatusCode = e.StatusCode,
                    Reason = e.Reason,
                    Request = e.Request,
                };
            }
            return true;
        });
}
