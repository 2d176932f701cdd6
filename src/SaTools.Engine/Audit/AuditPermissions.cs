using System.Runtime.CompilerServices;
using SaTools.Engine.Rbac;

namespace SaTools.Engine.Audit;

/// <summary>
/// What the checks ask of RBAC about a ServiceAccount (SA02, SA04 and SA10: its grants beyond the baseline; SA06:
/// its risk level and, when High or Critical, its permission summary), each evaluated once from one pass over its
/// grants. <see cref="Prepare"/> answers for every ServiceAccount of the snapshot at once, so the reader can do it
/// as soon as the RBAC lists are in, while the pods list is still arriving; a ServiceAccount it did not prepare
/// (one a pod names that does not exist) is answered on first question.
/// </summary>
internal sealed class AuditPermissions
{
    private static readonly IReadOnlyList<EffectiveGrant> NoGrants = Array.Empty<EffectiveGrant>();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<ServiceAccountRef, Answer> _answers = new();

    // The evaluator and the rules it caches are not made to be shared between threads: checks running side by side
    // evaluate a ServiceAccount that was not prepared one at a time.
    private readonly object _evaluating = new();

    private sealed record Answer(IReadOnlyList<EffectiveGrant> BeyondBaseline, RiskLevel RiskLevel, ServiceAccountPermissionSummary? Summary);

    private AuditPermissions(EffectivePermissionEvaluator evaluator) => Evaluator = evaluator;

    private EffectivePermissionEvaluator Evaluator { get; }

    /// <summary>Indexes the RBAC snapshot and answers for each of its ServiceAccounts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static AuditPermissions Prepare(RbacSnapshot rbac, CancellationToken cancellationToken)
    {
        var permissions = new AuditPermissions(new EffectivePermissionEvaluator(new RbacIndex(rbac)));
        foreach (var sa in rbac.ServiceAccountObjects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!string.IsNullOrEmpty(sa.Metadata?.Name)) permissions.AnswerFor(AuditContext.Ref(sa));
        }
        return permissions;
    }

    /// <summary>The grants beyond the baseline (<see cref="BaselinePermissions"/>), in the evaluator's order.</summary>
    public IReadOnlyList<EffectiveGrant> BeyondBaseline(ServiceAccountRef sa) => AnswerFor(sa).BeyondBaseline;

    /// <summary>The RiskLevel Get-K8sEffectivePermission -Summary gives: the highest of its grants'.</summary>
    public RiskLevel RiskLevel(ServiceAccountRef sa) => AnswerFor(sa).RiskLevel;

    /// <summary>The permission summary Get-K8sEffectivePermission -Summary gives (kept for High and Critical
    /// ServiceAccounts, which SA06 reports; evaluated again for any other).</summary>
    public ServiceAccountPermissionSummary Summary(ServiceAccountRef sa)
    {
        if (AnswerFor(sa).Summary is { } kept) return kept;
        lock (_evaluating) return Evaluator.Summarize(sa);
    }

    private Answer AnswerFor(ServiceAccountRef sa)
    {
        if (_answers.TryGetValue(sa, out var answer)) return answer;
        lock (_evaluating) return _answers.TryGetValue(sa, out answer) ? answer : Evaluate(sa);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Answer Evaluate(ServiceAccountRef sa)
    {
        var grants = Evaluator.GrantsOf(sa, filter: null);
        var level = ServiceAccountPermissionSummary.HighestRisk(grants);
        var beyond = BaselinePermissions.BeyondBaseline(grants);
        var summary = level >= Rbac.RiskLevel.High ? ServiceAccountPermissionSummary.Of(sa, grants) : null;
        var answer = new Answer(beyond.Count == 0 ? NoGrants : beyond, level, summary);
        _answers[sa] = answer;
        return answer;
    }
}
