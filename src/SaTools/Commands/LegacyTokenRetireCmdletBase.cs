using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Api;
using SaTools.Engine.LegacyTokens;
using SaTools.Engine.Names;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// What Disable-K8sLegacyToken and Remove-K8sLegacyToken share: the Secret is read again just before the change
/// (so the mount check sees the cluster as it is now), a Secret still mounted by a pod is refused without -Force,
/// ShouldProcess is asked per Secret, and one result object comes back per Secret.
/// </summary>
public abstract class LegacyTokenRetireCmdletBase : K8sCmdletBase
{
    private LegacyTokenService? _service;
    private LegacyTokenService.NamespaceCache? _lists;

    /// <summary>The Secret's namespace.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = "";

    /// <summary>The Secret's name.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("SecretName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>Retire the Secret even though a pod still mounts it (the pod loses its credential).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The verb shown by ShouldProcess ("Invalidate", "Delete").</summary>
    protected abstract string ShouldProcessAction { get; }

    /// <summary>The action reported under -WhatIf.</summary>
    protected abstract LegacyTokenAction WhatIfAction { get; }

    /// <summary>The action reported when the change is made.</summary>
    protected abstract LegacyTokenAction DoneAction { get; }

    /// <summary>The action when nothing needs doing (AlreadyInvalidated), or null when the change always applies.</summary>
    protected abstract LegacyTokenAction? NothingToDo(LegacyTokenInfo token);

    protected abstract Task ChangeAsync(LegacyTokenService service, LegacyTokenInfo token, CancellationToken cancellationToken);

    protected override void ProcessRecord()
    {
        _service ??= new LegacyTokenService(KubeConnection.Api);
        _lists ??= _service.NewNamespaceCache();
        var target = $"{Namespace}/{Name}";
        // Checked before any request: a name from a CSV row could otherwise point the read at another namespace.
        if (!CheckName(NameKind.Namespace, Namespace) | !CheckName(NameKind.Secret, Name))
        {
            WriteObject(Result(Namespace, Name, "", LegacyTokenAction.Failed, Array.Empty<string>(), "Invalid name: nothing was read or changed."));
            return;
        }
        var (token, readFailure) = Attempt(ct => _service.InspectAsync(Namespace, Name, _lists, ct));
        if (readFailure is not null)
        {
            if (readFailure is not KubeApiException { Kind: KubeErrorKind.NotFound } || ConfirmNamespace(Namespace))
            {
                Report(readFailure, target);
            }
            WriteObject(Result(Namespace, Name, "", LegacyTokenAction.Failed, Array.Empty<string>(), readFailure.Message));
            return;
        }

        if (NothingToDo(token!) is { } nothing)
        {
            WriteObject(Result(token!, nothing, null));
            return;
        }
        if (LegacyTokenRetirement.Refuses(token!.MountedBy, Force.IsPresent))
        {
            var message = $"The Secret {target} is still mounted by pod(s) {string.Join(", ", token.MountedBy)}: retiring it takes their credential away. Move them to a bound token first, or use -Force.";
            WriteError(new ErrorRecord(new InvalidOperationException(message), CommandId + "SecretMounted", ErrorCategory.ResourceBusy, target));
            WriteObject(Result(token, LegacyTokenAction.Refused, message));
            return;
        }
        var mounted = token.MountedBy.Count > 0 ? $" (still mounted by {string.Join(", ", token.MountedBy)})" : "";
        if (!ShouldProcess($"Secret {target} (token of ServiceAccount {token.ServiceAccount}, {token.Status}){mounted}", ShouldProcessAction, null, out var reason))
        {
            WriteObject(Result(token, reason == ShouldProcessReason.WhatIf ? WhatIfAction : LegacyTokenAction.Skipped, null));
            return;
        }
        var (_, writeFailure) = Attempt(async ct => { await ChangeAsync(_service, token, ct).ConfigureAwait(false); return true; });
        if (writeFailure is not null)
        {
            Report(writeFailure, target);
            WriteObject(Result(token, LegacyTokenAction.Failed, writeFailure.Message));
            return;
        }
        WriteObject(Result(token, DoneAction, null));
    }

    /// <summary>Runs one engine call; a per-Secret failure comes back instead of terminating the pipeline.</summary>
    private (T? Value, Exception? Failure) Attempt<T>(Func<CancellationToken, Task<T>> work) =>
        Await<(T?, Exception?)>(async ct =>
        {
            try
            {
                return (await work(ct).ConfigureAwait(false), null);
            }
            catch (Exception e) when (e is KubeApiException or ArgumentException)
            {
                return (default, e);
            }
        });

    private void Report(Exception failure, string target)
    {
        switch (failure)
        {
            case KubeApiException kube when IsFatal(kube):
                ThrowKubeError(kube, target);
                break;
            case KubeApiException kube:
                WriteKubeError(kube, target);
                break;
            default:
                WriteError(new ErrorRecord(failure, CommandId + "NotALegacyToken", ErrorCategory.InvalidArgument, target));
                break;
        }
    }

    private LegacyTokenResult Result(LegacyTokenInfo t, LegacyTokenAction action, string? error) =>
        Result(t.Namespace, t.Name, t.ServiceAccount, action, t.MountedBy, error);

    private LegacyTokenResult Result(string ns, string name, string sa, LegacyTokenAction action, IEnumerable<string> mountedBy, string? error) =>
        new(ContextName, ns, name, sa, action.ToString(), new StringList(mountedBy), error);
}
