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
    private const string Group = "rbac.authorization.k8s.io";

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
        var rbac = StartRbacLists(_api, lists, onPage);
        var serviceAccounts = includeServiceAccounts
            ? Collect(lists, "serviceaccounts", "", t => _api.ListServiceAccountsAsync(null, null, onPage, t, fields: serviceAccountFields))
            : Task.FromResult(new List<V1ServiceAccount>());
        await lists.WhenAllAsync().ConfigureAwait(false);
        return await rbac.SnapshotAsync(await serviceAccounts.ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>The four RBAC lists being read (<see cref="StartRbacLists"/>).</summary>
    internal sealed record RbacLists(
        Task<List<V1ClusterRole>> ClusterRoles, Task<List<V1ClusterRoleBinding>> ClusterRoleBindings,
        Task<List<V1Role>> Roles, Task<List<V1RoleBinding>> RoleBindings)
    {
        /// <summary>The snapshot of the four lists once they are read, with these ServiceAccounts (null: none).</summary>
        public async Task<RbacSnapshot> SnapshotAsync(IEnumerable<V1ServiceAccount>? serviceAccounts) =>
            new(await Roles.ConfigureAwait(false), await ClusterRoles.ConfigureAwait(false), await RoleBindings.ConfigureAwait(false),
                await ClusterRoleBindings.ConfigureAwait(false), serviceAccounts);
    }

    /// <summary>
    /// Starts the four RBAC lists on <paramref name="lists"/>, in the order their slots are taken (so a caller's
    /// longer ServiceAccount list, started after them, takes the slot left when the bound is low), each parsed into
    /// only the fields the evaluation and the audit's binding checks read (<see cref="RbacListFields"/>). The one
    /// place both this reader and <see cref="EffectivePermissionReader"/> start them.
    /// </summary>
    internal static RbacLists StartRbacLists(KubeApi api, ConcurrentLists lists, Action<ListProgress>? onPage)
    {
        var fields = RbacListFields.Fields;
        return new RbacLists(
            Collect(lists, "clusterroles", Group, t => api.ListClusterRolesAsync(onPage, t, fields)),
            Collect(lists, "clusterrolebindings", Group, t => api.ListClusterRoleBindingsAsync(onPage, t, fields)),
            Collect(lists, "roles", Group, t => api.ListRolesAsync(null, onPage, t, fields)),
            Collect(lists, "rolebindings", Group, t => api.ListRoleBindingsAsync(null, onPage, t, fields)));
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
