namespace SaTools.Engine.Rbac;

/// <summary>The API server's verdict on one grant: whether its SubjectAccessReview allowed the request, and why;
/// null for a grant that claims no request (a binding to a missing role, a rule with no sample request).</summary>
public readonly record struct GrantVerdict(bool? Verified, string? Detail);

/// <summary>The verdicts of one ServiceAccount's grants (in the grants' order), and where the API server and RBAC
/// disagree, said in words.</summary>
public sealed class GrantVerification
{
    public required IReadOnlyList<GrantVerdict> Verdicts { get; init; }

    /// <summary>One sentence per request where the SubjectAccessReview answered otherwise than RBAC.</summary>
    public required IReadOnlyList<string> Disagreements { get; init; }

    /// <summary>The summary verdict: the server agreed with RBAC on every request asked, and allowed each grant.</summary>
    public bool AllVerified => Disagreements.Count == 0 && Verdicts.All(v => v.Verified != false);
}

/// <summary>
/// Checks what the RBAC evaluator says against the API server's own answer (<see cref="AccessReviewer"/>, a
/// SubjectAccessReview per request). Decides which requests to send, sends each distinct one once, and judges
/// agreement:
/// <list type="bullet">
/// <item>When the filter names a request, that request is asked where each grant applies (its RoleBinding's
/// namespace, or cluster-wide for a ClusterRoleBinding) unless the filter fixes the scope; with no grant at all the
/// filter's own request is asked, to catch another authorizer (webhook, Node, ABAC) that allows it.</item>
/// <item>Otherwise each grant's sample request (<see cref="EffectiveGrant.SampleRequest"/>) is asked.</item>
/// </list>
/// </summary>
public sealed class GrantVerifier
{
    private readonly AccessReviewer _reviewer;

    public GrantVerifier(AccessReviewer reviewer) => _reviewer = reviewer ?? throw new ArgumentNullException(nameof(reviewer));

    /// <summary>How many SubjectAccessReviews were sent.</summary>
    public int ReviewsSent => _reviewer.ReviewsSent;

    /// <summary>Verifies one ServiceAccount's grants. A failed review (usually 403: the caller may not create
    /// subjectaccessreviews) comes out as the <see cref="Api.KubeApiException"/>.</summary>
    public async Task<GrantVerification> VerifyAsync(
        ServiceAccountRef serviceAccount, IReadOnlyList<EffectiveGrant> grants, PermissionFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serviceAccount);
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(filter);
        return filter.ToRequest() is { } asked
            ? await VerifyAskedAsync(serviceAccount, grants, filter, asked, cancellationToken).ConfigureAwait(false)
            : await VerifyEachAsync(serviceAccount, grants, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GrantVerification> VerifyAskedAsync(
        ServiceAccountRef serviceAccount, IReadOnlyList<EffectiveGrant> grants, PermissionFilter filter, RbacRequest asked, CancellationToken cancellationToken)
    {
        var anyScope = filter.Scope is null;
        RbacRequest RequestFor(EffectiveGrant grant) =>
            anyScope ? asked.InNamespace(grant.IsClusterScope ? null : grant.Scope) : asked;

        var granting = grants.Where(g => !g.IsMissingRole).ToList();
        var rbacSays = granting.Count > 0;
        var answers = new Dictionary<string, AccessReviewResult>(StringComparer.Ordinal);
        var disagreements = new List<string>();
        foreach (var request in rbacSays ? granting.Select(RequestFor) : new[] { asked })
        {
            var key = request.ToString();
            if (answers.ContainsKey(key)) continue;
            var review = await _reviewer.ReviewAsync(serviceAccount, request, cancellationToken).ConfigureAwait(false);
            answers[key] = review;
            if (review.Allowed != rbacSays)
            {
                disagreements.Add(rbacSays
                    ? $"{serviceAccount}: RBAC allows '{request}' but the API server's SubjectAccessReview denies it ({Reason(review)})."
                    : $"{serviceAccount}: RBAC grants nothing for '{request}' but the API server's SubjectAccessReview allows it ({Reason(review)}): another authorizer (webhook, Node, ABAC) decides.");
            }
        }

        var verdicts = grants.Select(grant =>
        {
            if (grant.IsMissingRole) return new GrantVerdict(null, null);
            var request = RequestFor(grant);
            var review = answers[request.ToString()];
            return new GrantVerdict(review.Allowed, $"{request}: {Reason(review)}");
        }).ToList();
        return new GrantVerification { Verdicts = verdicts, Disagreements = disagreements };
    }

    private async Task<GrantVerification> VerifyEachAsync(
        ServiceAccountRef serviceAccount, IReadOnlyList<EffectiveGrant> grants, CancellationToken cancellationToken)
    {
        var verdicts = new List<GrantVerdict>(grants.Count);
        var disagreements = new List<string>();
        foreach (var grant in grants)
        {
            var request = grant.SampleRequest();
            if (request is null)
            {
                verdicts.Add(new GrantVerdict(null, null));
                continue;
            }
            var review = await _reviewer.ReviewAsync(serviceAccount, request, cancellationToken).ConfigureAwait(false);
            if (!review.Allowed)
            {
                disagreements.Add($"{serviceAccount}: RBAC grants '{request}' through {grant.BindingKind} '{grant.BindingName}' but the API server's SubjectAccessReview denies it ({Reason(review)}).");
            }
            verdicts.Add(new GrantVerdict(review.Allowed, $"{request}: {Reason(review)}"));
        }
        return new GrantVerification { Verdicts = verdicts, Disagreements = disagreements };
    }

    private static string Reason(AccessReviewResult review) =>
        string.IsNullOrEmpty(review.Reason) ? (review.Allowed ? "allowed" : "no reason given") : review.Reason;
}
