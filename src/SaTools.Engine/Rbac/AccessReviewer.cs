using k8s.Models;
using SaTools.Engine.Api;

namespace SaTools.Engine.Rbac;

/// <summary>The API server's own answer to "may this ServiceAccount do this?".</summary>
public sealed record AccessReviewResult(bool Allowed, bool Denied, string? Reason, string? EvaluationError);

/// <summary>
/// Asks the API server with a SubjectAccessReview (authorization.k8s.io/v1), as the ServiceAccount's user
/// <c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c> with its groups, so every authorizer of the cluster
/// (webhooks, Node, ABAC, RBAC) answers, not only RBAC. Answers are cached per ServiceAccount and request.
/// </summary>
public sealed class AccessReviewer
{
    private readonly KubeApi _api;
    private readonly Dictionary<string, AccessReviewResult> _cache = new(StringComparer.Ordinal);

    public AccessReviewer(KubeApi api) => _api = api ?? throw new ArgumentNullException(nameof(api));

    /// <summary>How many SubjectAccessReviews were sent (cache hits excluded).</summary>
    public int ReviewsSent { get; private set; }

    public async Task<AccessReviewResult> ReviewAsync(ServiceAccountRef serviceAccount, RbacRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serviceAccount);
        ArgumentNullException.ThrowIfNull(request);
        var key = serviceAccount.UserName + "\n" + Describe(request);
        lock (_cache)
        {
            if (_cache.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        var review = new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SubjectAccessReview",
            Spec = new V1SubjectAccessReviewSpec
            {
                User = serviceAccount.UserName,
                Groups = serviceAccount.Groups.ToList(),
                ResourceAttributes = request.IsResourceRequest
                    ? new V1ResourceAttributes
                    {
                        Verb = request.Verb,
                        Group = request.ApiGroup,
                        Resource = request.Resource,
                        Subresource = request.Subresource.Length == 0 ? null : request.Subresource,
                        Name = request.Name.Length == 0 ? null : request.Name,
                        NamespaceProperty = request.Namespace,
                    }
                    : null,
                NonResourceAttributes = request.IsResourceRequest ? null : new V1NonResourceAttributes { Path = request.Path, Verb = request.Verb },
            },
        };

        var answer = await _api.CreateSubjectAccessReviewAsync(review, cancellationToken).ConfigureAwait(false);
        var status = answer?.Status;
        var result = new AccessReviewResult(status?.Allowed ?? false, status?.Denied ?? false, status?.Reason, status?.EvaluationError);
        lock (_cache)
        {
            ReviewsSent++;
            _cache[key] = result;
        }

        return result;
    }

    private static string Describe(RbacRequest r) =>
        r.IsResourceRequest ? $"{r.Verb}|{r.ApiGroup}|{r.Resource}|{r.Subresource}|{r.Name}|{r.Namespace}" : $"{r.Verb}|url|{r.Path}";
}
