using System.Runtime.CompilerServices;

namespace SaTools.Engine.Rbac;

/// <summary>
/// <see cref="EffectivePermissionReader"/>'s ServiceAccounts as they arrive (issue 18): kept in the answer's order,
/// handed to the index, and handed out. An account that arrives once the index is ready is evaluated by the list's
/// thread at once; those that arrived before are evaluated by the index's thread. The lock only decides which of the
/// two evaluates an account, so each is evaluated exactly once. With <c>emit</c>, accounts are handed out in order
/// (under the lock, by whichever thread made the next one ready) as soon as no account still to come can precede
/// them (<see cref="Settled"/>), in batches: a page's worth at a time (<see cref="Flush"/>), so a caller that waits
/// for rows on another thread wakes once per page, not once per account.
/// </summary>
internal sealed class ServiceAccountArrivals(Evaluation evaluation, Func<ServiceAccountRef, bool>? evaluateEarly, Action<IReadOnlyList<ServiceAccountPermissions>>? emit)
{
    // By namespace then name (ServiceAccountRef.Order); changed by the list's thread, read and handed out under the lock.
    private readonly List<ServiceAccountPermissions> _accounts = new();
    private readonly object _gate = new();
    private bool _indexReady;
    private ServiceAccountRef? _last;
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
            _last = serviceAccount;
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

    /// <summary>Where an account goes in the order. The server lists by key, "&lt;namespace&gt;/&lt;name&gt;",
    /// so nearly always at the end; accounts already handed out stay where they are.</summary>
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

    /// <summary>Hands out, in order, the accounts that are evaluated and that no account still to come can
    /// precede.</summary>
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
                if ((!next.IsEvaluated && Early(next)) || !Settled(next.ServiceAccount.Namespace))
                {
                    // Its evaluation (by the index's thread) or an account that sorts before it is still to come.
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

    /// <summary>
    /// Whether every account that sorts before this namespace's accounts has arrived. The list comes in key order
    /// (staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go lists the range of keys "&lt;namespace&gt;/&lt;name&gt;"),
    /// which is the answer's order except for a namespace that is this one's prefix followed by a character
    /// before '/': "app-x/..." is listed before "app/..." but "app" sorts before "app-x". So this namespace's
    /// accounts wait until the list has passed each such prefix.
    /// </summary>
    private bool Settled(string ns)
    {
        for (var i = 1; i < ns.Length; i++)
        {
            if (ns[i] < '/' && !Passed(ns.AsSpan(0, i)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the list is beyond every key "&lt;ns&gt;/...": the last key's "&lt;namespace&gt;/" sorts after "&lt;ns&gt;/".</summary>
    private bool Passed(ReadOnlySpan<char> ns)
    {
        var last = _last!.Namespace.AsSpan();
        var common = Math.Min(last.Length, ns.Length);
        var order = last[..common].SequenceCompareTo(ns[..common]);
        if (order != 0)
        {
            return order > 0;
        }

        // One is the other's prefix (or they are equal: not passed): the shorter goes on with '/'.
        return last.Length > ns.Length ? last[common] > '/' : last.Length < ns.Length && '/' > ns[common];
    }

    private bool Early(ServiceAccountPermissions account) => evaluateEarly is null || evaluateEarly(account.ServiceAccount);
}
