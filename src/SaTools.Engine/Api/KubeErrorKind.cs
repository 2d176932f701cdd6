namespace SaTools.Engine.Api;

/// <summary>What went wrong talking to the cluster, in the terms a cmdlet needs to pick an error category.</summary>
public enum KubeErrorKind
{
    /// <summary>Anything not listed below.</summary>
    Other,
    /// <summary>404: the object (or its namespace) does not exist.</summary>
    NotFound,
    /// <summary>403: authenticated, but RBAC refuses this verb on this resource.</summary>
    Forbidden,
    /// <summary>401: the credentials were not accepted (expired or wrong token, unknown certificate).</summary>
    Unauthorized,
    /// <summary>409: the object already exists, or was changed meanwhile.</summary>
    Conflict,
    /// <summary>400/422: the server refused the request as invalid.</summary>
    Invalid,
    /// <summary>410: a list's continue token or a watch's resource version is too old.</summary>
    Expired,
    /// <summary>429 or 5xx after every retry was spent.</summary>
    Unavailable,
    /// <summary>The server's certificate could not be verified, or the TLS handshake failed.</summary>
    Tls,
    /// <summary>No connection: refused, name not resolved, timed out, reset after every retry.</summary>
    Unreachable,
    /// <summary>No kubeconfig file was found and this is not a pod.</summary>
    NoKubeconfig,
    /// <summary>The requested context (or the current-context) is not in the kubeconfig.</summary>
    UnknownContext,
    /// <summary>The connection settings cannot be used (unreadable kubeconfig, bad certificate authority, bad URL).</summary>
    InvalidConfiguration,
    /// <summary>A name that breaks Kubernetes' naming rule for its kind (Names/KubeNames) was about to become part of
    /// a request path; nothing was sent.</summary>
    InvalidName,
}
