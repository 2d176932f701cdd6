using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Connection;
using SaTools.Engine.Names;
using SaTools.Engine.Tokens;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// New-K8sKubeconfig: mints a short-lived bound token for a ServiceAccount (the TokenRequest API, as
/// New-K8sBoundToken) and writes a kubeconfig holding only it: the current connection's cluster, one user named
/// for the ServiceAccount, one context with the namespace. The file is created readable by its owner only before
/// the token is written into it; an existing file is replaced only with -Force. The output never holds the token.
/// </summary>
[Cmdlet(VerbsCommon.New, "K8sKubeconfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(K8sKubeconfigInfo))]
public sealed class NewK8sKubeconfigCommand : K8sCmdletBase
{
    /// <summary>The ServiceAccount whose token the file holds (binds from a ServiceAccount object's Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ServiceAccountCompleter))]
    [ValidateNotNullOrEmpty]
    public string ServiceAccount { get; set; } = string.Empty;

    /// <summary>The ServiceAccount's namespace, also the context's namespace; the connection's namespace when not given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>The token's lifetime (10m minimum): a TimeSpan or 10m, 1h, 1h30m.</summary>
    [Parameter(Mandatory = true)]
    [TokenDurationTransformation]
    [ValidateTokenDuration]
    public TimeSpan Duration { get; set; }

    /// <summary>The token's audiences; the API server's own when not given (what kubectl needs).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Audience { get; set; }

    /// <summary>The kubeconfig file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Replace the file if it exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var ns = Namespace ?? KubeConnection.Namespace;
        var target = $"{ns}/{ServiceAccount}";
        // Checked before any request: '..' or a '/' in a name would mint a token for another ServiceAccount.
        if (!CheckName(NameKind.Namespace, ns) | !CheckName(NameKind.ServiceAccount, ServiceAccount))
        {
            return;
        }
        BoundTokenRequest request;
        try
        {
            request = new BoundTokenRequest(ns, ServiceAccount) { Duration = Duration, Audiences = Audience ?? Array.Empty<string>() };
        }
        catch (ArgumentException e)
        {
            // BoundTokenRequest checks itself as it is built (the one duration rule); its messages are whole sentences.
            WriteError(new ErrorRecord(e, CommandId + "InvalidRequest", ErrorCategory.InvalidArgument, target));
            return;
        }
        if (Directory.Exists(path))
        {
            WriteError(new ErrorRecord(new IOException($"'{path}' is a directory: give the path of the kubeconfig file to write."),
                CommandId + "PathIsDirectory", ErrorCategory.InvalidArgument, path));
            return;
        }
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            WriteError(new ErrorRecord(new DirectoryNotFoundException($"The directory '{directory}' does not exist."),
                CommandId + "DirectoryNotFound", ErrorCategory.ObjectNotFound, path));
            return;
        }
        var exists = File.Exists(path);
        if (exists && !Force.IsPresent)
        {
            WriteError(new ErrorRecord(new IOException($"The file '{path}' exists. Use -Force to replace it."),
                CommandId + "FileExists", ErrorCategory.ResourceExists, path));
            return;
        }

        var action = $"{(exists ? "Replace" : "Create")} a kubeconfig holding a token of ServiceAccount {target} ({request.Describe()})";
        if (!ShouldProcess(path, action))
        {
            return;
        }

        var token = MintBoundToken(request);
        if (token is null)
        {
            return;
        }

        var connection = KubeConnection;
        try
        {
            KubeconfigFile.WriteOwnerOnly(path, ServiceAccountKubeconfig.Build(connection, ns, ServiceAccount, token.Token), overwrite: Force.IsPresent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The message names the path, never the content.
            var appearedMeanwhile = e is IOException && File.Exists(path) && !Force.IsPresent;
            WriteError(new ErrorRecord(new IOException($"The kubeconfig '{path}' could not be written: {e.Message}"),
                CommandId + (appearedMeanwhile ? "FileExists" : "WriteFailed"), appearedMeanwhile ? ErrorCategory.ResourceExists : ErrorCategory.WriteError, path));
            return;
        }
        var (cluster, _, context) = ServiceAccountKubeconfig.NamesFor(connection.ContextName, ns, ServiceAccount);
        WriteVerbose($"Wrote {path} (owner-only) with context '{context}'; the token expires {token.ExpiresAt:u}.");
        WriteObject(new K8sKubeconfigInfo(path, context, cluster, connection.Server, ns, ServiceAccount, token.ExpiresAt?.UtcDateTime, token.Capped));
    }
}
