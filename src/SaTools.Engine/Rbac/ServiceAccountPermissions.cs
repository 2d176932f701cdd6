using System.Runtime.CompilerServices;

namespace SaTools.Engine.Rbac;

/// <summary>
/// What one ServiceAccount may do under one <see cref="PermissionFilter"/>: its grants and, when asked for, their
/// summary. Evaluated once, either while its page was being read (<see cref="EffectivePermissionReader"/>) or when
/// first asked for.
/// </summary>
public sealed class ServiceAccountPermissions
{
    private readonly Evaluation _evaluation;
    private IReadOnlyList<EffectiveGrant>? _grants;
    private ServiceAccountPermissionSummary? _summary;
    private bool _hasMissingRole;

    internal ServiceAccountPermissions(ServiceAccountRef serviceAccount, Evaluation evaluation)
    {
        ServiceAccount = serviceAccount;
        _evaluation = evaluation;
    }

    public ServiceAccountRef ServiceAccount { get; }

    /// <summary>The grants that pass the filter, ClusterRoleBindings first, in binding order
    /// (<see cref="EffectivePermissionEvaluator.GetGrants"/>).</summary>
    public IReadOnlyList<EffectiveGrant> Grants
    {
        get
        {
            if (_grants is null) Evaluate();
            return _grants!;
        }
    }

    /// <summary>The summary of <see cref="Grants"/>.</summary>
    public ServiceAccountPermissionSummary Summary => _summary ??= ServiceAccountPermissionSummary.Of(ServiceAccount, Grants);

    /// <summary>True when a grant is a binding to a role that does not exist.</summary>
    public bool HasMissingRole
    {
        get
        {
            if (_grants is null) Evaluate();
            return _hasMissingRole;
        }
    }

    /// <summary>Whether the grants are known yet (evaluated while reading, not when first asked for).</summary>
    internal bool IsEvaluated => Volatile.Read(ref _grants) is not null;

    /// <summary>Evaluates the grants (and the summary, when the evaluation asks for it). Called by one thread at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Evaluate()
    {
        var evaluator = _evaluation.Evaluator ?? throw new InvalidOperationException("The RBAC index is not ready yet.");
        var grants = evaluator.GrantsOf(ServiceAccount, _evaluation.Filter);
        _hasMissingRole = grants.Exists(g => g.IsMissingRole);
        if (_evaluation.Summarize)
        {
            _summary = ServiceAccountPermissionSummary.Of(ServiceAccount, grants);
        }

        // Last: another thread that sees the grants (IsEvaluated) sees the rest too.
        Volatile.Write(ref _grants, grants);
    }
}

/// <summary>What every account of one evaluation shares: the index's evaluator (set once it is built), the filter
/// and whether summaries are wanted.</summary>
internal sealed class Evaluation(PermissionFilter? filter, bool summarize)
{
    /// <summary>The filter, or null when it keeps everything.</summary>
    public PermissionFilter? Filter { get; } = filter is null || filter.IsEmpty ? null : filter;

    public bool Summarize { get; } = summarize;

    public volatile EffectivePermissionEvaluator? Evaluator;
}
