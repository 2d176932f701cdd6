using k8s.Models;
using SaTools.Engine.Api;

namespace SaTools.Engine.Rbac;

/// <summary>
/// The grants of every ServiceAccount of a cluster, evaluated while the ServiceAccount pages are still arriving
/// (issue 18). The ServiceAccount list is the longest of the five lists (45 pages at 22,000 accounts, when the
/// four RBAC kinds are in after about two thirds of that), so reading everything and only then evaluating left all
/// of the evaluation (index, grants, summaries: ~300 ms of CPU) after the last answer. Here the
/// <see cref="RbacIndex"/> is built as soon as the four RBAC lists are in, each ServiceAccount is evaluated as its
/// page arrives, and those that arrived before the index are evaluated as soon as it is ready (on the index's
/// thread, beside the ServiceAccount list's): after the last page only that page's accounts remain.
/// <para>
/// Same five lists and requests as <see cref="RbacSnapshotReader"/> (and its 403 message); the answer is the one
/// <see cref="EffectivePermissions.Evaluate"/> gives for an exported dump, in the same order (namespace, name).
/// </para>
/// </summary>
public sealed class EffectivePermissionReader
{
    private readonly KubeApi _api;

    public EffectivePermissionReader(KubeApi api) => _api = api ?? throw new ArgumentNullException(nameof(api));

    /// <summary>
    /// Reads the cluster's RBAC objects and ServiceAccounts and evaluates the accounts <paramref name="evaluateEarly"/>
    /// picks (null: all) as they arrive; the others are evaluated when first asked for. A 403 on any list becomes a
    /// <see cref="KubeApiException"/> of kind <see cref="KubeErrorKind.Forbidden"/> whose message names the
    /// permission that is missing.
    /// </summary>
    /// <param name="filter">The grants kept (null or empty: all).</param>
    /// <param name="summarize">Also compute each early account's <see cref="ServiceAccountPermissions.Summary"/>.</param>
    /// <param name="evaluateEarly">Which accounts to evaluate while reading (those the caller will ask for); null: all.</param>
    /// <param name="onPage">Called after each page of each list (progress).</param>
    /// <param name="cancellationToken">Stops every list and the evaluation.</param>
    public async Task<EffectivePermissions> ReadAsync(
        PermissionFilter? filter, bool summarize, Func<ServiceAccountRef, bool>? evaluateEarly,
        Action<ListProgress>? onPage, CancellationToken cancellationToken)
    {
        var evaluation = new Evaluation(filter, summarize);
        var arrivals = new Arrivals(evaluation, evaluateEarly);
        var serviceAccountCount = 0;
        Task<RbacSnapshot> indexed;
        await using (var lists = _api.StartLists(cancellationToken))
        {
            // Started in RbacSnapshotReader's order: the ServiceAccounts take the slot left when the bound is low.
            var clusterRoles = Collect(lists, "clusterroles", t => _api.ListClusterRolesAsync(onPage, t));
            var clusterRoleBindings = Collect(lists, "clusterrolebindings", t => _api.ListClusterRoleBindingsAsync(onPage, t));
            var roles = Collect(lists, "roles", t => _api.ListRolesAsync(null, onPage, t));
            var roleBindings = Collect(lists, "rolebindings", t => _api.ListRoleBindingsAsync(null, onPage, t));
            _ = RbacSnapshotReader.ReadEach(lists, "serviceaccounts", "", t => _api.ListServiceAccountsAsync(null, null, onPage, t), item =>
            {
                serviceAccountCount++;
                if (ServiceAccountRef.From(item) is { } serviceAccount)
                {
                    arrivals.Add(serviceAccount);
                }
            });
            indexed = IndexWhenReadAsync(clusterRoles, clusterRoleBindings, roles, roleBindings, arrivals, lists.Token);
            try
            {
                await lists.WhenAllAsync().ConfigureAwait(false);
            }
            catch
            {
                // The index's work ends with the lists (it stops on their token): nothing outlives the call.
                await Task.WhenAny(indexed).ConfigureAwait(false);
                throw;
            }
        }

        var rbac = await indexed.ConfigureAwait(false);
        return new EffectivePermissions(rbac, serviceAccountCount, arrivals.InOrder());
    }

    private static async Task<List<T>> Collect<T>(ConcurrentLists lists, string resource, Func<CancellationToken, IAsyncEnumerable<T>> list)
    {
        var result = new List<T>();
        await RbacSnapshotReader.ReadEach(lists, resource, "rbac.authorization.k8s.io", list, result.Add).ConfigureAwait(false);
        return result;
    }

    /// <summary>Builds the index once the four RBAC lists are in, then evaluates the accounts that were waiting for it.</summary>
    private static async Task<RbacSnapshot> IndexWhenReadAsync(
        Task<List<V1ClusterRole>> clusterRoles, Task<List<V1ClusterRoleBinding>> clusterRoleBindings,
        Task<List<V1Role>> roles, Task<List<V1RoleBinding>> roleBindings, Arrivals arrivals, CancellationToken cancellationToken)
    {
        var rbac = new RbacSnapshot(
            await roles.ConfigureAwait(false), await clusterRoles.ConfigureAwait(false), await roleBindings.ConfigureAwait(false),
            await clusterRoleBindings.ConfigureAwait(false), serviceAccounts: null);
        cancellationToken.ThrowIfCancellationRequested();
        arrivals.IndexReady(new EffectivePermissionEvaluator(new RbacIndex(rbac)), cancellationToken);
        return rbac;
    }

    /// <summary>
    /// The accounts in the order they arrived and the hand-over to the index: an account that arrives once the index
    /// is ready is evaluated by the list's thread at once; those that arrived before are evaluated by the index's
    /// thread. The lock only decides which of the two evaluates an account, so each is evaluated exactly once.
    /// </summary>
    private sealed class Arrivals(Evaluation evaluation, Func<ServiceAccountRef, bool>? evaluateEarly)
    {
        private readonly List<ServiceAccountPermissions> _arrived = new();
        private readonly object _gate = new();
        private bool _indexReady;

        public void Add(ServiceAccountRef serviceAccount)
        {
            var account = new ServiceAccountPermissions(serviceAccount, evaluation);
            bool indexReady;
            lock (_gate)
            {
                _arrived.Add(account);
                indexReady = _indexReady;
            }

            if (indexReady && Early(account))
            {
                account.Evaluate();
            }
        }

        public void IndexReady(EffectivePermissionEvaluator evaluator, CancellationToken cancellationToken)
        {
            evaluation.Evaluator = evaluator;
            ServiceAccountPermissions[] waiting;
            lock (_gate)
            {
                _indexReady = true;
                waiting = _arrived.ToArray();
            }

            for (var i = 0; i < waiting.Length; i++)
            {
                if (i % 256 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (Early(waiting[i]))
                {
                    waiting[i].Evaluate();
                }
            }
        }

        /// <summary>Every account, by namespace then name (the list's order, unless a namespace is a prefix of another).</summary>
        public IReadOnlyList<ServiceAccountPermissions> InOrder()
        {
            // The server lists by key, "<namespace>/<name>": the same order except where a namespace is another's
            // prefix followed by '-' ("app-x/..." before "app/..."), so sorting is rarely more than one check.
            for (var i = 1; i < _arrived.Count; i++)
            {
                if (ServiceAccountRef.Order.Compare(_arrived[i - 1].ServiceAccount, _arrived[i].ServiceAccount) > 0)
                {
                    return _arrived.OrderBy(a => a.ServiceAccount, ServiceAccountRef.Order).ToList();
                }
            }

            return _arrived;
        }

        private bool Early(ServiceAccountPermissions account) => evaluateEarly is null || evaluateEarly(account.ServiceAccount);
    }
}
