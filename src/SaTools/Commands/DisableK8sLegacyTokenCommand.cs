using System.Management.Automation;
using SaTools.Engine.LegacyTokens;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// Invalidates legacy token Secrets by adding the <c>kubernetes.io/legacy-token-invalid-since</c> label, as the
/// control plane's legacy token cleaner does before deleting: the API server then refuses the token. Reversible by
/// removing the label.
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "K8sLegacyToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(LegacyTokenResult))]
public sealed class DisableK8sLegacyTokenCommand : LegacyTokenRetireCmdletBase
{
    protected override string ShouldProcessAction => $"Invalidate (add label {LegacyTokenLabels.InvalidSinceLabel})";
    protected override LegacyTokenAction WhatIfAction => LegacyTokenAction.WouldInvalidate;
    protected override LegacyTokenAction DoneAction => LegacyTokenAction.Invalidated;

    protected override LegacyTokenAction? NothingToDo(LegacyTokenInfo token) =>
        token.Status == LegacyTokenStatus.Invalidated ? LegacyTokenAction.AlreadyInvalidated : null;

    protected override Task ChangeAsync(LegacyTokenService service, LegacyTokenInfo token, CancellationToken cancellationToken) =>
        service.InvalidateAsync(token, cancellationToken);
}
