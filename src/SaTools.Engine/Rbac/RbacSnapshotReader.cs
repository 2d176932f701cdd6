using k8s.Models;
using SaTools.Engine.Api;

namespace SaTools.Engine.Rbac;

/// <summary>
/// Reads the RBAC state of a cluster with the fewest requests: one paged list across all namespaces for each of
/// ClusterRoles, ClusterRoleBindings, Roles, RoleBindings and ServiceAccounts, never one request per
/// ServiceAccount or per namespace. The five lists run concurrently.
/// </summary>
public sealed class RbacSnapshotReader
{
    private readonly KubeApi _api;

    public RbacSnapshotReader(KubeApi api) => _api = api ?? throw new ArgumentNullException(nameof(api));

    /// <summary>
    /// Reads everything. A 403 on any list becomes a <see cref="KubeApiException"/> of kind
    /// <see cref="KubeErrorKind.Forbidden"/> whose message names the permission that is missing.
    /// </summary>
    public async Task<RbacSnapshot> ReadAsync(bool includeServiceAccounts, Action<ListProgress>? onPage, CancellationToken cancellationToken)
    {
        var clusterRoles = Collect("clusterroles", "rbac.authorization.k8s.io", _api.ListClusterRolesAsync(onPage, cancellationToken), cancellationToken);
        var clusterRoleBindings = Collect("clusterrolebindings", "rbac.authorization.k8s.io", _api.ListClusterRoleBindingsAsync(onPage, cancellationToken), cancellationToken);
        var roles = Collect("roles", "rbac.authorization.k8s.io", _api.ListRolesAsync(null, onPage, cancellationToken), cancellationToken);
        var roleBindings = Collect("rolebindings", "rbac.authorization.k8s.io", _api.ListRoleBindingsAsync(null, onPage, cancellationToken), cancellationToken);
        var serviceAccounts = includeServiceAccounts
            ? Collect("serviceaccounts", "", _api.ListServiceAccountsAsync(null, null, onPage, cancellationToken), cancellationToken)
            : Task.FromResult(new List<V1ServiceAccount>());

        try
        {
            await Task.WhenAll(clusterRoles, clusterRoleBindings, roles, roleBindings, serviceAccounts).ConfigureAwait(false);
        }
        catch
        {
            // Report the first failure in a stable order (a 403 naming a permission before the others).
            foreach (var task in new Task[] { clusterRoles, clusterRoleBindings, roles, roleBindings, serviceAccounts })
            {
                if (task.IsFaulted)
                {
                    throw task.Exception!.InnerExceptions[0];
                }
            }

            throw;
        }

        return new RbacSnapshot(roles.Result, clusterRoles.Result, roleBindings.Result, clusterRoleBindings.Result, serviceAccounts.Result);
    }

    private static async Task<List<T>> Collect<T>(string resource, string group, IAsyncEnumerable<T> source, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var result = new List<T>();
        try
        {
            await foreach (var item in source.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                result.Add(item);
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

        return result;
    }
}
