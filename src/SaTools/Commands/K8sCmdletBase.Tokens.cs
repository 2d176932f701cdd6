using SaTools.Engine.Api;
using SaTools.Engine.Tokens;

namespace SaTools.Commands;

public abstract partial class K8sCmdletBase
{
    /// <summary>
    /// Mints a bound token through the TokenRequest API for New-K8sBoundToken and New-K8sKubeconfig. A refusal is
    /// written as one ErrorRecord (<c>&lt;VerbNoun&gt;ServiceAccountNotFound</c>, <c>...Forbidden</c>, ...) and
    /// null returned; a 404 in a namespace that does not exist is reported as the namespace's, not the
    /// ServiceAccount's or the bound object's.
    /// </summary>
    private protected BoundToken? MintBoundToken(BoundTokenRequest request)
    {
        var target = $"{request.Namespace}/{request.ServiceAccount}";
        var service = new TokenService(KubeConnection.Api);
        KubeApiException? refused = null;
        var token = TryAwait(async ct =>
        {
            try
            {
                return await service.RequestAsync(request, ct).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (!IsFatal(e))
            {
                refused = e;
                return null;
            }
        }, target, out _);

        if (refused is not null)
        {
            if (refused.Kind == KubeErrorKind.NotFound && !ConfirmNamespace(request.Namespace))
            {
                return null;
            }
            WriteKubeError(refused, target, TokenRequestProblemName(TokenRequestFailure.Classify(refused)));
            return null;
        }
        return token;
    }

    /// <summary>The error id suffix of a refused TokenRequest: &lt;VerbNoun&gt; + this.</summary>
    private static string TokenRequestProblemName(TokenRequestProblem problem) => problem switch
    {
        TokenRequestProblem.ServiceAccountNotFound => "ServiceAccountNotFound",
        TokenRequestProblem.BoundObjectNotFound => "BoundObjectNotFound",
        TokenRequestProblem.PodServiceAccountMismatch => "PodServiceAccountMismatch",
        TokenRequestProblem.BoundObjectUidMismatch => "BoundObjectUidMismatch",
        TokenRequestProblem.Forbidden => "Forbidden",
        TokenRequestProblem.BindingUnsupported => "BindingUnsupported",
        TokenRequestProblem.Invalid => "Invalid",
        _ => "Failed",
    };
}
