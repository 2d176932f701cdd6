using System.Management.Automation;
using System.Security;
using SaTools.Engine.Api;
using SaTools.Engine.Tokens;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// Test-K8sTokenReview: who a token authenticates as, for which audiences, or why not; by TokenReview or offline
/// against the issuer's keys. A malformed token is an error; a well-formed invalid one is a result. The token is
/// never written anywhere.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "K8sTokenReview", DefaultParameterSetName = TokenSet)]
[OutputType(typeof(K8sTokenReviewResult))]
public sealed class TestK8sTokenReviewCommand : K8sCmdletBase
{
    private const string TokenSet = "Token";
    private const string PathSet = "Path";

    private IssuerSigningKeys? keys;
    private OfflineTokenValidator? validator;
    private TokenService? service;

    /// <summary>
    /// The token to check (SecureString or string). It hides the connection's -Token on this cmdlet: here
    /// -Token is the token under review; connect with a kubeconfig, -Context or -Connection instead.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = TokenSet)]
    [ValidateNotNull]
    public new object? Token { get; set; }

    /// <summary>Files holding a token (for example a pod's projected token).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>The audiences the reviewer expects (binds from a New-K8sBoundToken object's Audiences).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Audiences")]
    public string[]? Audience { get; set; }

    /// <summary>Validate locally against the issuer's keys instead of a TokenReview.</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    /// <summary>The issuer URL to fetch keys from (or, with -JwksPath, the issuer to expect). Implies -Offline.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Issuer { get; set; }

    /// <summary>A JWKS file for air-gapped validation. Implies -Offline.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JwksPath { get; set; }

    private bool IsOffline => Offline.IsPresent || Issuer is not null || JwksPath is not null;

    /// <summary>The reviewed -Token is not a connection parameter on this cmdlet.</summary>
    protected override bool HasExplicitConnectionParameters =>
        MyInvocation.BoundParameters.ContainsKey(nameof(Context)) || MyInvocation.BoundParameters.ContainsKey(nameof(Kubeconfig)) ||
        MyInvocation.BoundParameters.ContainsKey(nameof(Server)) || MyInvocation.BoundParameters.ContainsKey(nameof(CertificateAuthority)) ||
        SkipTlsVerification.IsPresent;

    protected override void BeginProcessing()
    {
        if (Server is not null && Connection is null && Kubeconfig is null && Context is null)
        {
            WriteWarning("On Test-K8sTokenReview, -Token is the token under review, not a credential: -Server uses the kubeconfig's credentials.");
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PathSet)
        {
            foreach (var path in Path!)
            {
                foreach (var file in ResolveFiles(path))
                {
                    string text;
                    try
                    {
                        text = File.ReadAllText(file);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        WriteError(new ErrorRecord(new IOException($"The token file '{file}' cannot be read: {e.Message}", e),
                            CommandId + "TokenFileUnreadable", ErrorCategory.ReadError, file));
                        continue;
                    }
                    Check(text, file);
                }
            }
            return;
        }

        var value = Token is PSObject wrapped ? wrapped.BaseObject : Token;
        switch (value)
        {
            case SecureString secure:
                Check(SecureText.Reveal(secure), "-Token");
                break;
            case string plain:
                Check(plain, "-Token");
                break;
            default:
                WriteError(new ErrorRecord(
                    new ArgumentException($"-Token takes a SecureString or a string, not a {value?.GetType().Name ?? "null"}."),
                    CommandId + "UnsupportedTokenType", ErrorCategory.InvalidArgument, value?.GetType().FullName));
                break;
        }
    }

    private IReadOnlyList<string> ResolveFiles(string path)
    {
        try
        {
            return GetResolvedProviderPathFromPSPath(path, out _).ToArray();
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException)
        {
            WriteError(new ErrorRecord(new FileNotFoundException($"The token file '{path}' does not exist.", e),
                CommandId + "TokenFileNotFound", ErrorCategory.ObjectNotFound, path));
            return Array.Empty<string>();
        }
    }

    private void Check(string token, string source)
    {
        // Decode first: a malformed token is a clear error, and nothing is sent for it.
        try
        {
            TokenInspector.Inspect(token);
        }
        catch (MalformedTokenException e)
        {
            WriteError(new ErrorRecord(new FormatException(e.Message, e), CommandId + "MalformedToken", ErrorCategory.InvalidData, source));
            return;
        }

        TokenReviewOutcome outcome;
        string? context;
        if (IsOffline)
        {
            var checker = Validator();
            outcome = TokenReviewOutcome.FromOffline(
                Await(ct => checker.ValidateAsync(token, Audience, ct), source), Audience);
            context = JwksPath is null && Issuer is null ? ContextName : null;
        }
        else
        {
            service ??= new TokenService(KubeConnection.Api);
            var reviewer = service;
            KubeApiException? refused = null;
            var reviewed = TryAwait(async ct =>
            {
                try
                {
                    return await reviewer.ReviewAsync(token, Audience, ct).ConfigureAwait(false);
                }
                catch (KubeApiException e) when (!IsFatal(e))
                {
                    refused = e;
                    return null;
                }
            }, source, out _);
            if (refused is not null)
            {
                // Without create on tokenreviews no token of this invocation can be reviewed.
                var problem = refused.Kind == KubeErrorKind.Forbidden ? "Forbidden" : null;
                if (refused.Kind == KubeErrorKind.Forbidden)
                {
                    ThrowKubeError(refused, source, problem);
                }
                WriteKubeError(refused, source, problem);
                return;
            }
            if (reviewed is null)
            {
                return;
            }
            outcome = reviewed;
            context = ContextName;
        }
        WriteObject(new K8sTokenReviewResult(context, source, outcome, DateTimeOffset.UtcNow));
    }

    private OfflineTokenValidator Validator()
    {
        if (validator is not null)
        {
            return validator;
        }
        try
        {
            if (JwksPath is not null)
            {
                var file = GetUnresolvedProviderPathFromPSPath(JwksPath);
                keys = IssuerKeyLoader.FromFile(file, Issuer);
                WriteVerbose($"Offline validation with the keys in {file}{(Issuer is null ? " (no issuer given: the issuer is not checked)" : ", issuer " + Issuer)}.");
            }
            else if (Issuer is not null)
            {
                if (!Uri.TryCreate(Issuer, UriKind.Absolute, out var issuerUri))
                {
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Issuer '{Issuer}' is not an absolute URL."),
                        CommandId + "InvalidIssuer", ErrorCategory.InvalidArgument, Issuer));
                }
                keys = Await(ct => IssuerKeyLoader.FromIssuerAsync(issuerUri!, ct), Issuer);
                WriteVerbose($"Offline validation with the keys of issuer {keys.Issuer} from {keys.Source}.");
            }
            else
            {
                var api = KubeConnection.Api;
                KubeApiException? refused = null;
                keys = Await(async ct =>
                {
                    try
                    {
                        return await IssuerKeyLoader.FromApiServerAsync(api, ct).ConfigureAwait(false);
                    }
                    catch (KubeApiException e) when (!IsFatal(e))
                    {
                        refused = e;
                        return null;
                    }
                }, api.Server);
                if (refused is not null)
                {
                    ThrowKubeError(refused, api.Server, "KeysUnavailable");
                }
                WriteVerbose($"Offline validation with the keys of issuer {keys!.Issuer} from {keys.Source}.");
            }
        }
        catch (TokenValidationSetupException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, CommandId + "KeysUnavailable", ErrorCategory.ResourceUnavailable, JwksPath ?? Issuer ?? KubeConnection.Server));
        }
        if (keys!.IgnoredKeyCount > 0)
        {
            WriteVerbose($"{keys.IgnoredKeyCount} key(s) of the JWKS were ignored (symmetric, encryption or unusable keys).");
        }
        validator = new OfflineTokenValidator(keys);
        return validator;
    }
}
