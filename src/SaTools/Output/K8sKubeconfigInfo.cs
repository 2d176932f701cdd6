namespace SaTools.Output;

/// <summary>
/// What New-K8sKubeconfig returns: where the file is and what it holds, never the token (which only the file,
/// readable by its owner alone, contains).
/// </summary>
public sealed class K8sKubeconfigInfo
{
    internal K8sKubeconfigInfo(string path, string context, string cluster, string server, string @namespace, string serviceAccount,
        DateTime? expiresAt, bool capped)
    {
        Path = path;
        Context = context;
        Cluster = cluster;
        Server = server;
        Namespace = @namespace;
        ServiceAccount = serviceAccount;
        ExpiresAt = expiresAt;
        Capped = capped;
    }

    /// <summary>The kubeconfig file written (mode 0600).</summary>
    public string Path { get; }

    /// <summary>The file's one context (its current-context).</summary>
    public string Context { get; }

    /// <summary>The cluster entry (named for the context the token was minted through).</summary>
    public string Cluster { get; }

    public string Server { get; }
    public string Namespace { get; }
    public string ServiceAccount { get; }

    /// <summary>When the token stops working, in UTC.</summary>
    public DateTime? ExpiresAt { get; }

    /// <summary>True when the server granted a shorter lifetime than was asked for.</summary>
    public bool Capped { get; }

    public override string ToString() => Path;
}
