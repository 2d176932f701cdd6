using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using SaTools.Engine.Api;

namespace SaTools.Engine.Connection;

/// <summary>
/// Turns <see cref="ConnectionOptions"/> into KubernetesClient's configuration, letting the library do what it
/// does (kubeconfig parsing and merging, exec credential plugins, client certificates, in-cluster config).
/// </summary>
internal static class ClientConfigurationResolver
{
    internal sealed record Resolved(KubernetesClientConfiguration Configuration, string ContextName, string? User, string Source);

    public static Resolved Resolve(ConnectionOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Server) && !string.IsNullOrEmpty(options.Token) && string.IsNullOrWhiteSpace(options.KubeconfigPath))
        {
            return Explicit(options);
        }

        var files = KubeconfigFiles.Find(options, out var searched);
        if (files.Count == 0)
        {
            if (string.IsNullOrWhiteSpace(options.KubeconfigPath) && KubernetesClientConfiguration.IsInCluster())
            {
                return InCluster(options);
            }
            throw new KubeApiException(KubeErrorKind.NoKubeconfig,
                $"No kubeconfig was found (looked at {searched}). Give -Kubeconfig, set $env:KUBECONFIG, " +
                "or connect with -Server, -Token and -CertificateAuthority.");
        }

        K8SConfiguration kubeconfig;
        try
        {
            kubeconfig = KubeconfigMerger.Load(files);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or YamlDotNet.Core.YamlException or UnauthorizedAccessException)
        {
            throw new KubeApiException(KubeErrorKind.InvalidConfiguration,
                $"The kubeconfig ({string.Join(Path.PathSeparator, files.Select(f => f.FullName))}) cannot be read: {ErrorTranslator.FirstLine(e.Message)}", e);
        }

        var contexts = kubeconfig.Contexts?.ToList() ?? new List<Context>();
        var contextName = string.IsNullOrWhiteSpace(options.Context) ? kubeconfig.CurrentContext : options.Context;
        var known = contexts.Count == 0 ? "none" : string.Join(", ", contexts.Select(c => c.Name));
        if (string.IsNullOrWhiteSpace(contextName))
        {
            throw new KubeApiException(KubeErrorKind.UnknownContext,
                $"The kubeconfig sets no current-context. Pick one with -Context (contexts: {known}).");
        }
        var context = contexts.FirstOrDefault(c => c.Name == contextName);
        if (context is null)
        {
            throw new KubeApiException(KubeErrorKind.UnknownContext,
                $"The context '{contextName}' is not in the kubeconfig (contexts: {known}). Pick one of these with -Context.");
        }

        KubernetesClientConfiguration configuration;
        try
        {
            configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(
                kubeconfig, contextName, string.IsNullOrWhiteSpace(options.Server) ? null : options.Server);
        }
        catch (KubeConfigException e)
        {
            throw new KubeApiException(KubeErrorKind.InvalidConfiguration,
                $"The kubeconfig context '{contextName}' cannot be used: {ErrorTranslator.FirstLine(e.Message)}", e);
        }

        ApplyOverrides(configuration, options);
        var user = !string.IsNullOrEmpty(options.Token) ? TokenIdentity.SubjectOf(options.Token) ?? context.ContextDetails?.User : context.ContextDetails?.User;
        return new Resolved(configuration, contextName!, user, "kubeconfig " + string.Join(Path.PathSeparator, files.Select(f => f.FullName)));
    }

    private static Resolved Explicit(ConnectionOptions options)
    {
        var server = options.Server!.Trim();
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new KubeApiException(KubeErrorKind.InvalidConfiguration,
                $"The server '{server}' is not an http(s) URL. Give the API server URL, for example https://myaks-dns.hcp.westeurope.azmk8s.io:443.");
        }
        var configuration = new KubernetesClientConfiguration { Host = server, AccessToken = options.Token, Namespace = options.Namespace };
        ApplyOverrides(configuration, options);
        // An explicit server has no context name: the server's authority names the cluster on every output object.
        return new Resolved(configuration, uri.Authority, TokenIdentity.SubjectOf(options.Token), "explicit server and token");
    }

    private static Resolved InCluster(ConnectionOptions options)
    {
        KubernetesClientConfiguration configuration;
        try
        {
            configuration = KubernetesClientConfiguration.InClusterConfig();
        }
        catch (KubeConfigException e)
        {
            throw new KubeApiException(KubeErrorKind.InvalidConfiguration, $"The in-cluster configuration cannot be used: {ErrorTranslator.FirstLine(e.Message)}", e);
        }
        ApplyOverrides(configuration, options);
        string? user = null;
        const string tokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";
        try
        {
            user = TokenIdentity.SubjectOf(File.Exists(tokenPath) ? File.ReadAllText(tokenPath).Trim() : configuration.AccessToken);
        }
        catch (IOException)
        {
        }
        return new Resolved(configuration, "in-cluster", user, "in-cluster service account");
    }

    private static void ApplyOverrides(KubernetesClientConfiguration configuration, ConnectionOptions options)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            configuration.AccessToken = options.Token;
            configuration.TokenProvider = null;
        }
        if (!string.IsNullOrWhiteSpace(options.CertificateAuthority))
        {
            configuration.SslCaCerts = CertificateAuthorityLoader.Load(options.CertificateAuthority);
        }
        if (options.SkipTlsVerification)
        {
            configuration.SkipTlsVerify = true;
        }
        if (!string.IsNullOrWhiteSpace(options.Namespace))
        {
            configuration.Namespace = options.Namespace;
        }
        configuration.HttpClientTimeout = options.RequestTimeout;
    }
}
