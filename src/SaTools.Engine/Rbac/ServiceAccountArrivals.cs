using System.Runtime.CompilerServices;

namespace SaTools.Engine.Rbac;

/// <summary>
/// <see cref="EffectivePermissionReader"/>'s ServiceAccounts as they arrive (issue 18): kept in the answer's order,
/// handed to the index, and handed out. An account that arrives once the index is ready is evaluated by the list's
/// thread at once; those that arrived before are evaluated by the index's thread. The lock only decides which of the
/// two evaluates an account, so each is evaluated exactly once. With <c>emit</c>, accounts are handed out in order
/// (under the lock, by whichever thread made the next one ready) as soon as they are evaluated: the list comes in the
/// answer's order (<see cref="Names.ListingOrder"/>, the API's), so no account still to come can precede one that has
/// arrived. They go out in batches, a page's worth at a time (<see cref="Flush"/>), so a caller that waits for rows on
/// another thread wakes once per page, not once per account.
/// </summary>
internal sealed class ServiceAccountArrivals(Evaluation evaluation, Func<ServiceAccountRef, bool>? evaluateEarly, Action<IReadOnlyList<ServiceAccountPermissions>>? emit)
{
    // In the answer's order (ServiceAccountRef.Order); changed by the list's thread, read and handed out under the lock.
    private readonly List<ServiceAccountPermissions> _accounts = new();
    private readonly object _gate = new();
    private bool _indexReady;
    private int _emitted;

    /// <summary>Every account, in order; complete once the read has ended.</summary>
    public IReadOnlyList<ServiceAccountPermissions> Accounts => _accounts;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ServiceAccountRef serviceAccount)
    {
        var account = new ServiceAccountPermissions(serviceAccount, evaluation);
        bool indexReady;
        lock (_gate)
        {
            _accounts.Insert(PlaceOf(serviceAccount), account);
            indexReady = _indexReady;
        }

        if (indexReady && Early(account))
        {
            account.Evaluate();
        }
    }

    /// <summary>Hands out the accounts that are ready; called once each page's last account is in.</summary>
    public void Flush() => EmitReady();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void IndexReady(EffectivePermissionEvaluator evaluator, CancellationToken cancellationToken)
    {
        evaluation.Evaluator = evaluator;
        ServiceAccountPermissions[] waiting;
        lock (_gate)
        {
            _indexReady = true;
            waiting = _accounts.ToArray();
        }

        for (var i = 0; i < waiting.Length; i++)
        {
            if (i % 256 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                EmitReady();
            }

            if (Early(waiting[i]))
            {
                waiting[i].Evaluate();
            }
        }

        EmitReady();
    }

    /// <summary>Hands out what is left, once the list has ended (every account is then in place).</summary>
    public void EmitRest()
    {
        lock (_gate)
        {
            HandOutThrough(_accounts.Count);
        }
    }

    /// <summary>Where an account goes in the order: at the end, as the server lists by key. Should a server ever
    /// list out of that order, an account still goes before those not handed out yet that sort after it; those
    /// already handed out stay where they are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int PlaceOf(ServiceAccountRef serviceAccount)
    {
        var place = _accounts.Count;
        while (place > _emitted && ServiceAccountRef.Order.Compare(_accounts[place - 1].ServiceAccount, serviceAccount) > 0)
        {
            place--;
        }

        return place;
    }

    /// <summary>Hands out, in order, the accounts that are evaluated (or not to be evaluated early).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EmitReady()
    {
        if (emit is null)
        {
            return;
        }

        lock (_gate)
        {
            var ready = _emitted;
            while (ready < _accounts.Count)
            {
                var next = _accounts[ready];
                if (!next.IsEvaluated && Early(next))
                {
                    // Its evaluation (by the index's thread) is still to come.
                    break;
                }

                ready++;
            }

            HandOutThrough(ready);
        }
    }

    /// <summary>Hands out the accounts not handed out yet before <paramref name="end"/>, as one batch. Under the lock.</summary>
    private void HandOutThrough(int end)
    {
        if (emit is not null && end > _emitted)
        {
            emit(_accounts.GetRange(_emitted, end - _emitted));
            _emitted = end;
        }
    }

    private bool Early(ServiceAccountPermissions account) => evaluateEarly is null || evaluateEarly(account.ServiceAccount);
}
