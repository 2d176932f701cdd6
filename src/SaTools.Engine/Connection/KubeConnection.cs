using k8s;
using SaTools.Engine.Api;

namespace SaTools.Engine.Connection;

/// <summary>
/// An open connection to one cluster: who and where, plus the <see cref="KubeApi"/> every call goes through.
/// Thread-safe and meant to be shared (a session's default connection serves every cmdlet). Dispose releases the
/// HTTP connections.
/// </summary>
public sealed class KubeConnection : IDisposable
{
    private readonly Kubernetes _client;

    private KubeConnection(Kubernetes client, ClientConfigurationResolver.Resolved resolved, bool skipTls)
    {
        _client = client;
        ContextName = resolved.ContextName;
        Server = resolved.Configuration.Host?.TrimEnd('/') ?? "";
        User = resolved.User;
        Namespace = string.IsNullOrWhiteSpace(resolved.Configuration.Namespace) ? "default" : resolved.Configuration.Namespace;
        Source = resolved.Source;
        SkipTlsVerification = skipTls;
        CertificateAuthorityPem = resolved.Configuration.SslCaCerts is { Count: > 0 } cas
            ? string.Concat(cas.Select(c => c.ExportCertificatePem() + "\n"))
            : null;
        TlsServerName = resolved.Configuration.TlsServerName;
        Api = new KubeApi(client, Server);
    }

    /// <summary>The kubeconfig context name (the server's host:port for an explicit server, <c>in-cluster</c> in a pod).</summary>
    public string ContextName { get; }

    /// <summary>The API server URL.</summary>
    public string Server { get; }

    /// <summary>The kubeconfig user entry, or the token's subject for an explicit token.</summary>
    public string? User { get; }

    /// <summary>The namespace a cmdlet uses when given none.</summary>
    public string Namespace { get; }

    /// <summary>The server's version, when it was asked for.</summary>
    public string? ServerVersion { get; private set; }

    /// <summary>Where the settings came from (kubeconfig paths, explicit, in-cluster). Never holds a secret.</summary>
    public string Source { get; }

    /// <summary>True when the server's certificate is not verified.</summary>
    public bool SkipTlsVerification { get; }

    /// <summary>The certificate authority the server's certificate is checked against (PEM, public data), or null
    /// when the system's trust store is used.</summary>
    public string? CertificateAuthorityPem { get; }

    /// <summary>The name the server's certificate is checked for, when it differs from the URL's host.</summary>
    public string? TlsServerName { get; }

    /// <summary>The way to the API server.</summary>
    public KubeApi Api { get; }

    /// <summary>
    /// Resolves the settings as kubectl would and builds the client. With <see cref="ConnectionOptions.VerifyConnection"/>
    /// it also asks <c>/version</c>, so an unreachable server, a TLS problem or rejected credentials show up here.
    /// Throws <see cref="KubeApiException"/> for every failure.
    /// </summary>
    public static async Task<KubeConnection> OpenAsync(ConnectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var resolved = ClientConfigurationResolver.Resolve(options);
        Kubernetes client;
        try
        {
            // Handlers run in this order: retries outside, the request log inside, so every attempt is logged.
            client = new Kubernetes(resolved.Configuration, new RetryHandler(options.Retry), new RequestLoggingHandler());
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or UriFormatException or ArgumentException)
        {
            throw new KubeApiException(KubeErrorKind.InvalidConfiguration, $"The connection settings cannot be used: {ErrorTranslator.FirstLine(e.Message)}", e);
        }

        var connection = new KubeConnection(client, resolved, resolved.Configuration.SkipTlsVerify);
        if (!options.VerifyConnection) return connection;
        try
        {
            connection.ServerVersion = await connection.Api.GetServerVersionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.Kind == KubeErrorKind.NotFound)
        {
            // A server (or proxy) without /version still serves the API.
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    /// <summary>Describes the connection without any credential.</summary>
    public override string ToString() => $"{ContextName} ({Server})";

    public void Dispose() => _client.Dispose();
}
