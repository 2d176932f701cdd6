using SaTools.Engine.Connection;

namespace SaTools.Output;

/// <summary>
/// A connection to one cluster, as Connect-K8sCluster returns it and -Connection takes it. Holds no credential
/// that PowerShell can see: the client (and its token) stays inside the engine.
/// </summary>
public sealed class ClusterConnection
{
    internal ClusterConnection(KubeConnection engine)
    {
        Engine = engine;
        Context = engine.ContextName;
        Server = engine.Server;
        User = engine.User;
        Namespace = engine.Namespace;
        ServerVersion = engine.ServerVersion;
        SkipTlsVerification = engine.SkipTlsVerification;
        Source = engine.Source;
    }

    /// <summary>The kubeconfig context (the server's host:port for -Server, <c>in-cluster</c> in a pod).</summary>
    public string Context { get; }

    /// <summary>The API server URL.</summary>
    public string Server { get; }

    /// <summary>The kubeconfig user, or the token's subject.</summary>
    public string? User { get; }

    /// <summary>The namespace cmdlets use when given none.</summary>
    public string Namespace { get; }

    /// <summary>The API server's version.</summary>
    public string? ServerVersion { get; }

    /// <summary>True when the server certificate is not verified.</summary>
    public bool SkipTlsVerification { get; }

    /// <summary>Where the settings came from.</summary>
    public string Source { get; }

    internal KubeConnection Engine { get; }

    public override string ToString() => $"{Context} ({Server})";
}
