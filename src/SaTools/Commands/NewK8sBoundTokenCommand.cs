using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Names;
using SaTools.Engine.Tokens;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// New-K8sBoundToken: mints a short-lived, audience-bound token with the TokenRequest API and returns it as an
/// object whose only copy of the token is a SecureString (a string with -AsPlainText).
/// </summary>
[Cmdlet(VerbsCommon.New, "K8sBoundToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(K8sBoundToken))]
public sealed class NewK8sBoundTokenCommand : K8sCmdletBase
{
    /// <summary>The ServiceAccount (binds from a ServiceAccount object's Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ServiceAccountCompleter))]
    [ValidateNotNullOrEmpty]
    public string ServiceAccount { get; set; } = string.Empty;

    /// <summary>The ServiceAccount's namespace; the context's namespace when not given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>The lifetime asked for (10m minimum); the server's default (1h) when not given.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DurationCompleter))]
    [TokenDurationTransformation]
    [ValidateTokenDuration]
    public TimeSpan Duration { get; set; }

    /// <summary>The audiences; the API server's own when not given.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Audience { get; set; }

    /// <summary>Bind the token to a Pod, Secret or Node.</summary>
    [Parameter]
    [ValidateSet("Pod", "Secret", "Node")]
    public string? BoundObjectKind { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BoundObjectName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BoundObjectUid { get; set; }

    /// <summary>Return the token as a plain string.</summary>
    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    protected override void BeginProcessing()
    {
        if ((BoundObjectKind is null) != (BoundObjectName is null) || (BoundObjectUid is not null && BoundObjectKind is null))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-BoundObjectKind and -BoundObjectName go together (and -BoundObjectUid needs both): give the kind (Pod, Secret or Node) and the name of the object to bind the token to."),
                CommandId + "BoundObjectIncomplete", ErrorCategory.InvalidArgument, BoundObjectKind ?? BoundObjectName ?? BoundObjectUid));
        }
    }

    protected override void ProcessRecord()
    {
        var ns = Namespace ?? KubeConnection.Namespace;
        var target = $"{ns}/{ServiceAccount}";
        // Checked before any request: '..' or a '/' in a name would mint a token for another ServiceAccount.
        if (!CheckName(NameKind.Namespace, ns) | !CheckName(NameKind.ServiceAccount, ServiceAccount) |
            !(BoundObjectName is null || CheckName(BoundObjectNameKind(BoundObjectKind), BoundObjectName)))
        {
            return;
        }
        BoundTokenRequest request;
        try
        {
            request = new BoundTokenRequest(ns, ServiceAccount)
            {
                Duration = MyInvocation.BoundParameters.ContainsKey(nameof(Duration)) ? Duration : null,
                Audiences = Audience ?? Array.Empty<string>(),
                BoundObject = BoundObjectKind is null ? null : new TokenBoundObject(CanonicalKind(BoundObjectKind), BoundObjectName!, BoundObjectUid),
            };
        }
        catch (ArgumentException e)
        {
            // BoundTokenRequest checks itself as it is built; its messages are whole sentences.
            WriteError(new ErrorRecord(e, CommandId + "InvalidRequest", ErrorCategory.InvalidArgument, target));
            return;
        }

        var description = request.Describe();
        if (!ShouldProcess($"ServiceAccount {target}", description))
        {
            return;
        }
        WriteVerbose(description);

        var token = MintBoundToken(request);
        if (token is null)
        {
            return;
        }
        WriteObject(new K8sBoundToken(ContextName, token, AsPlainText.IsPresent));
    }

    private static NameKind BoundObjectNameKind(string? kind) => kind?.ToLowerInvariant() switch
    {
        "pod" => NameKind.Pod,
        "node" => NameKind.Node,
        _ => NameKind.Secret,
    };

    private static string CanonicalKind(string kind) =>
        BoundTokenRequest.BindableKinds.First(k => k.Equals(kind, StringComparison.OrdinalIgnoreCase));
}
