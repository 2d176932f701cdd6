using System.Management.Automation;
using SaTools.Engine.Names;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// Connects to a cluster (resolved as kubectl does, or from -Server/-Token/-CertificateAuthority), proves the
/// connection by asking the server's version, makes it the session's default and returns it.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "K8sCluster")]
[OutputType(typeof(ClusterConnection))]
public sealed class ConnectK8sClusterCommand : K8sCmdletBase
{
    /// <summary>The namespace cmdlets use when given none (instead of the context's).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(Completion.NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    protected override bool VerifyConnectionOnOpen => true;

    protected override bool UseSessionConnection => false;

    protected override string? ConnectionNamespace => Namespace;

    protected override void BeginProcessing()
    {
        // The namespace every later cmdlet defaults to: refused here, before connecting, rather than at each use.
        if (Namespace is not null && KubeNames.Problem(NameKind.Namespace, Namespace) is { } problem)
        {
            ThrowTerminatingError(InvalidNameRecord(new InvalidName(NameKind.Namespace, Namespace, problem)));
        }
    }

    protected override void EndProcessing()
    {
        var connection = ClusterConnection;
        KeepConnectionOpen();
        SessionConnection.Set(connection);
        WriteVerbose($"Connected to {connection.Server} as {connection.User ?? "(unknown user)"}; context '{connection.Context}', server version {connection.ServerVersion ?? "unknown"}.");
        WriteObject(connection);
    }
}
