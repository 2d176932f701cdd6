using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s.Models;
using SaTools.Engine.Api;
using SaTools.Engine.Threading;

namespace SaTools.Engine.Rbac;

/// <summary>
/// The grants of every ServiceAccount of a cluster, evaluated while the ServiceAccount pages are still arriving
/// (issue 18). The ServiceAccount list is the longest of the five lists (45 pages at 22,000 accounts, when the
/// four RBAC kinds are in after about two thirds of that), so reading everything and only then evaluating left all
/// of the evaluation (index, grants, summaries: ~300 ms of CPU) after the last answer. Here the
/// <see cref="RbacIndex"/> is built as soon as the four RBAC lists are in, each ServiceAccount is evaluated as its
/// page arrives, and those that arrived before the index are evaluated as soon as it is ready (on the index's
/// thread, beside the ServiceAccount list's): after the last page only that page's accounts remain.
/// <see cref="StreamAsync"/> also hands each account out as soon as it is evaluated (the list comes in the answer's
/// order), so a caller writes rows while the pages still arrive.
/// <para>
/// Same five lists and requests as <see cref="RbacSnapshotReader"/> (and its 403 message); the answer is the one
/// <see cref="EffectivePermissions.Evaluate"/> gives for an exported dump, in the same order (the API's, <see cref="ServiceAccountRef.Order"/>).
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
    public Task<EffectivePermissions> ReadAsync(
        PermissionFilter? filter, bool summarize, Func<ServiceAccountRef, bool>? evaluateEarly,
        Action<ListProgress>? onPage, CancellationToken cancellationToken) =>
        ReadAsync(new ServiceAccountArrivals(new Evaluation(filter, summarize), evaluateEarly, emit: null), onPage, cancellationToken);

    /// <summary>
    /// Every ServiceAccount, evaluated, in the answer's order (the API's), each handed out as soon as it is
    /// evaluated: the caller writes rows while the pages arrive. The same lists, requests and failures as
    /// <see cref="ReadAsync(PermissionFilter?, bool, Func{ServiceAccountRef, bool}?, Action{ListProgress}?, CancellationToken)"/>;
    /// <paramref name="onRead"/> gets the whole answer (its counts) after the last account.
    /// Stopping the enumeration early stops the lists.
    /// </summary>
    public async IAsyncEnumerable<ServiceAccountPermissions> StreamAsync(
        PermissionFilter? filter, bool summarize, Action<ListProgress>? onPage, Action<EffectivePermissions>? onRead,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ready = Channel.CreateUnbounded<IReadOnlyList<ServiceAccountPermissions>>(new UnboundedChannelOptions { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var arrivals = new ServiceAccountArrivals(new Evaluation(filter, summarize), evaluateEarly: null, emit: batch => ready.Writer.TryWrite(batch));
        var reading = ProduceAsync();
        try
        {
            await foreach (var batch in ready.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var account in batch)
                {
                    yield return account;
                }
            }

            // The read's failure, if any (the channel only says it has ended).
            var answer = await reading.ConfigureAwait(false);
            onRead?.Invoke(answer);
        }
        finally
        {
            if (!reading.IsCompleted)
            {
                // The caller stopped early (or was cancelled): stop the lists and wait for them, so none outlives it.
                stop.Cancel();
                await Task.WhenAny(reading).ConfigureAwait(false);
            }
        }

        async Task<EffectivePermissions> ProduceAsync()
        {
            try
            {
                return await ReadAsync(arrivals, onPage, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                ready.Writer.TryComplete();
            }
        }
    }

    private async Task<EffectivePermissions> ReadAsync(ServiceAccountArrivals arrivals, Action<ListProgress>? onPage, CancellationToken cancellationToken)
    {
        var serviceAccountCount = 0;
        var pageEnd = -1L;
        Task<RbacSnapshot> indexed;
        await using (var lists = _api.StartLists(cancellationToken))
        {
            // As RbacSnapshotReader starts them: the ServiceAccounts, started after, take the slot left when the bound is low.
            var rbacLists = RbacSnapshotReader.StartRbacLists(_api, lists, onPage);
            // Each page's accounts are handed out together, once its last one is in (ServiceAccountArrivals.Flush).
            // Only their names and namespaces are read (RbacListFields).
            _ = RbacSnapshotReader.ReadEach(lists, "serviceaccounts", "", t => _api.ListServiceAccountsAsync(null, null, OnServiceAccountPage, t, fields: RbacListFields.Fields), item =>
            {
                serviceAccountCount++;
                if (ServiceAccountRef.From(item) is { } serviceAccount)
                {
                    arrivals.Add(serviceAccount);
                }

                if (serviceAccountCount == pageEnd)
                {
                    arrivals.Flush();
                }
            });
            indexed = IndexWhenReadAsync(rbacLists, arrivals, lists.Token);
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
        arrivals.EmitRest();
        return new EffectivePermissions(rbac, serviceAccountCount, arrivals.Accounts);

        // The pager announces a page before it yields the page's items, with the count of items yielded once they are
        // (a restart's repeated items are neither counted nor yielded): the item that reaches it ends the page.
        void OnServiceAccountPage(ListProgress progress)
        {
            pageEnd = progress.ItemsSoFar;
            onPage?.Invoke(progress);
        }
    }

    /// <summary>Builds the index once the four RBAC lists are in, then evaluates the accounts that were waiting for it.</summary>
    private static async Task<RbacSnapshot> IndexWhenReadAsync(
        RbacSnapshotReader.RbacLists rbacLists, ServiceAccountArrivals arrivals, CancellationToken cancellationToken)
    {
        var rbac = await rbacLists.SnapshotAsync(serviceAccounts: null).ConfigureAwait(false);
        return await CpuBoundWork.RunAsync(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            arrivals.IndexReady(new EffectivePermissionEvaluator(new RbacIndex(rbac)), cancellationToken);
            return rbac;
        }, cancellationToken).ConfigureAwait(false);
    }
}
