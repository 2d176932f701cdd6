using SaTools.Engine.Api;

namespace SaTools.Engine.Tokens;

/// <summary>Why a TokenRequest failed, in the terms New-K8sBoundToken reports.</summary>
public enum TokenRequestProblem
{
    Other,
    /// <summary>404 on the ServiceAccount itself.</summary>
    ServiceAccountNotFound,
    /// <summary>404 on the Pod, Secret or Node named in boundObjectRef.</summary>
    BoundObjectNotFound,
    /// <summary>400: the bound pod runs as another ServiceAccount.</summary>
    PodServiceAccountMismatch,
    /// <summary>409: the bound object's uid is not the one given (deleted and recreated).</summary>
    BoundObjectUidMismatch,
    /// <summary>403: the caller may not create serviceaccounts/token.</summary>
    Forbidden,
    /// <summary>400 "cannot bind token to object of type ...": the server does not bind tokens to that kind (a
    /// Node before ServiceAccountTokenNodeBinding: beta and on by default in 1.31, GA in 1.33).</summary>
    BindingUnsupported,
    /// <summary>400/422 otherwise: the server refused the request as invalid.</summary>
    Invalid,
}

/// <summary>
/// Classifies a failed TokenRequest from the API server's answer. The texts are kube-apiserver's
/// (pkg/registry/core/serviceaccount/storage/token.go), as recorded in ../shared/k8s/recorded (tr-missing-sa,
/// tr-bound-pod-missing, tr-bound-pod-other-sa, tr-bound-pod-wrong-uid, tr-as-self-forbidden).
/// </summary>
public static class TokenRequestFailure
{
    public static TokenRequestProblem Classify(KubeApiException failure)
    {
        var message = failure.Message ?? string.Empty;
        return failure.Kind switch
        {
            // 'serviceaccounts "x" not found' versus 'pods "x" not found' / 'secrets ...' / 'nodes ...'.
            KubeErrorKind.NotFound => message.StartsWith("serviceaccounts ", StringComparison.Ordinal)
                ? TokenRequestProblem.ServiceAccountNotFound
                : TokenRequestProblem.BoundObjectNotFound,
            KubeErrorKind.Forbidden => TokenRequestProblem.Forbidden,
            KubeErrorKind.Conflict when message.Contains("UID in the bound object reference", StringComparison.Ordinal) =>
                TokenRequestProblem.BoundObjectUidMismatch,
            KubeErrorKind.Invalid when message.Contains("to pod running with different serviceaccount", StringComparison.Ordinal) =>
                TokenRequestProblem.PodServiceAccountMismatch,
            KubeErrorKind.Invalid when message.Contains("cannot bind token to object of type", StringComparison.Ordinal) =>
                TokenRequestProblem.BindingUnsupported,
            KubeErrorKind.Invalid => TokenRequestProblem.Invalid,
            _ => TokenRequestProblem.Other,
        };
    }
}
