using SaTools.Engine.Api;

namespace SaTools.Engine.Connection;

/// <summary>
/// What a user said about where to connect. Resolution follows kubectl: an explicit <see cref="Server"/> with
/// <see cref="Token"/>; else <see cref="KubeconfigPath"/>; else <c>$KUBECONFIG</c> (several paths, merged, joined
/// by <see cref="Path.PathSeparator"/>); else <c>~/.kube/config</c>; else the in-cluster configuration when
/// running in a pod. <see cref="Context"/> picks a context of the kubeconfig.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>A kubeconfig file (or several joined by <see cref="Path.PathSeparator"/>), overriding $KUBECONFIG.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>The kubeconfig context to use instead of current-context.</summary>
    public string? Context { get; init; }

    /// <summary>The API server URL. With <see cref="Token"/> no kubeconfig is read.</summary>
    public string? Server { get; init; }

    /// <summary>A bearer token. The engine keeps it only inside the client configuration.</summary>
    public string? Token { get; init; }

    /// <summary>The CA that signed the server's certificate: a file path or PEM text.</summary>
    public string? CertificateAuthority { get; init; }

    /// <summary>Do not verify the server's certificate.</summary>
    public bool SkipTlsVerification { get; init; }

    /// <summary>The namespace to use when a cmdlet is given none (overrides the context's).</summary>
    public string? Namespace { get; init; }

    /// <summary>Whether to ask the server for its version when connecting (and so prove the connection works).</summary>
    public bool VerifyConnection { get; init; } = true;

    /// <summary>Retry behaviour of the request pipeline.</summary>
    public RetrySettings Retry { get; init; } = RetrySettings.Default;

    /// <summary>Time allowed for one HTTP request (not for a whole paged list).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Environment lookups, replaceable in tests. Defaults to the process environment.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The home directory holding <c>.kube/config</c>, replaceable in tests.</summary>
    public string? HomeDirectory { get; init; }
}
