using System.Management.Automation;
using SaTools.Engine.Api;
using SaTools.Engine.Names;

namespace SaTools.Commands;

/// <summary>
/// Error mapping for every SaTools cmdlet: the ErrorRecord for an engine failure (id <c>&lt;VerbNoun&gt;&lt;Problem&gt;</c>,
/// a category from the failure's kind, the object as target) and for a name refused before any request.
/// </summary>
public abstract partial class K8sCmdletBase
{
    /// <summary>The ErrorRecord for an engine failure: id <c>&lt;VerbNoun&gt;&lt;Problem&gt;</c>, a category from the
    /// failure's kind (404 ObjectNotFound, 401/403 PermissionDenied, 409 ResourceExists, 400/422 InvalidArgument,
    /// 429/5xx ResourceUnavailable...), the object as target, and a message saying what to do.</summary>
    protected ErrorRecord KubeErrorRecord(KubeApiException e, object? target, string? problem = null)
    {
        var (defaultProblem, category) = Classify(e.Kind);
        var message = e.Kind switch
        {
            KubeErrorKind.Forbidden => $"{e.Message} Ask a cluster administrator for this permission, or run as an identity that has it.",
            KubeErrorKind.Unauthorized when !e.Message.Contains("log in", StringComparison.OrdinalIgnoreCase) =>
                $"{e.Message} The credentials were not accepted (401): the token may have expired or been revoked. Log in again (refresh the kubeconfig) or give a valid -Token.",
            _ => e.Message,
        };
        Exception exception = e.Kind switch
        {
            KubeErrorKind.NotFound => new ItemNotFoundException(message),
            KubeErrorKind.Forbidden or KubeErrorKind.Unauthorized => new UnauthorizedAccessException(message),
            KubeErrorKind.Tls => new System.Security.Authentication.AuthenticationException(message),
            KubeErrorKind.Unreachable or KubeErrorKind.Unavailable => new IOException(message),
            KubeErrorKind.NoKubeconfig => new FileNotFoundException(message),
            KubeErrorKind.UnknownContext or KubeErrorKind.Invalid or KubeErrorKind.InvalidConfiguration or KubeErrorKind.InvalidName => new ArgumentException(message),
            _ => new InvalidOperationException(message),
        };
        return new ErrorRecord(exception, CommandId + (problem ?? defaultProblem), category, target);
    }

    /// <summary>Writes an engine failure for one item as a non-terminating error; the cmdlet goes on.</summary>
    protected void WriteKubeError(KubeApiException e, object? target, string? problem = null)
    {
        RunPipelineThreadWork();
        WriteError(KubeErrorRecord(e, target, problem));
    }

    /// <summary>Stops the cmdlet with an engine failure (nothing can proceed: no kubeconfig, cannot authenticate).</summary>
    protected void ThrowKubeError(KubeApiException e, object? target, string? problem = null)
    {
        RunPipelineThreadWork();
        ThrowTerminatingError(KubeErrorRecord(e, target, problem));
    }

    /// <summary>True for failures that no other item of this invocation can escape (connection, credentials).</summary>
    protected static bool IsFatal(KubeApiException e) => e.Kind is KubeErrorKind.Unauthorized or KubeErrorKind.Tls
        or KubeErrorKind.Unreachable or KubeErrorKind.NoKubeconfig or KubeErrorKind.UnknownContext or KubeErrorKind.InvalidConfiguration;

    private static (string Problem, ErrorCategory Category) Classify(KubeErrorKind kind) => kind switch
    {
        KubeErrorKind.NotFound => ("NotFound", ErrorCategory.ObjectNotFound),
        KubeErrorKind.Forbidden => ("Forbidden", ErrorCategory.PermissionDenied),
        KubeErrorKind.Unauthorized => ("Unauthorized", ErrorCategory.PermissionDenied),
        KubeErrorKind.Conflict => ("Conflict", ErrorCategory.ResourceExists),
        KubeErrorKind.Invalid => ("Invalid", ErrorCategory.InvalidArgument),
        KubeErrorKind.Expired => ("Expired", ErrorCategory.ResourceUnavailable),
        KubeErrorKind.Unavailable => ("ServerUnavailable", ErrorCategory.ResourceUnavailable),
        KubeErrorKind.Tls => ("TlsFailure", ErrorCategory.SecurityError),
        KubeErrorKind.Unreachable => ("ServerUnreachable", ErrorCategory.ConnectionError),
        KubeErrorKind.NoKubeconfig => ("NoKubeconfig", ErrorCategory.ObjectNotFound),
        KubeErrorKind.UnknownContext => ("UnknownContext", ErrorCategory.ObjectNotFound),
        KubeErrorKind.InvalidConfiguration => ("InvalidConnectionSettings", ErrorCategory.InvalidArgument),
        KubeErrorKind.InvalidName => ("InvalidName", ErrorCategory.InvalidArgument),
        _ => ("ApiError", ErrorCategory.NotSpecified),
    };

    /// <summary>The ErrorRecord for a name that breaks Kubernetes' rule for its kind: id
    /// <c>&lt;VerbNoun&gt;Invalid&lt;Kind&gt;Name</c> (InvalidNamespaceName, InvalidServiceAccountName...), category
    /// InvalidArgument, the name as target. Written before any request for it.</summary>
    protected ErrorRecord InvalidNameRecord(InvalidName invalid) =>
        new(new ArgumentException(invalid.Message), CommandId + InvalidNameProblem(invalid.Kind), ErrorCategory.InvalidArgument, invalid.Name);

    /// <summary>The id suffix for an invalid name of a kind.</summary>
    protected static string InvalidNameProblem(NameKind kind) => "Invalid" + kind switch
    {
        NameKind.RbacObject => "RbacObject",
        _ => kind.ToString(),
    } + "Name";

    /// <summary>The non-terminating <c>&lt;VerbNoun&gt;NamespaceNotFound</c> (ObjectNotFound, the namespace as target)
    /// for a namespace that does not exist: the one id every cmdlet uses for it.</summary>
    protected void WriteNamespaceNotFound(string ns) =>
        WriteError(new ErrorRecord(new ItemNotFoundException($"The namespace '{ns}' does not exist."),
            CommandId + NamespaceNotFoundProblem, ErrorCategory.ObjectNotFound, ns));

    /// <summary>The id suffix of a missing namespace.</summary>
    protected const string NamespaceNotFoundProblem = "NamespaceNotFound";
}
