using System.Management.Automation;
using SaTools.Engine.LegacyTokens;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>Deletes legacy token Secrets (on condition that the Secret is still the one inspected).</summary>
[Cmdlet(VerbsCommon.Remove, "K8sLegacyToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(LegacyTokenResult))]
public sealed class RemoveK8sLegacyTokenCommand : LegacyTokenRetireCmdletBase
{
    protected override string ShouldProcessAction => "Delete the Secret";
    protected override LegacyTokenAction WhatIfAction => LegacyTokenAction.WouldRemove;
    protected override LegacyTokenAction DoneAction => LegacyTokenAction.Removed;
    protected override LegacyTokenAction? NothingToDo(LegacyTokenInfo token) => null;

    protected override Task ChangeAsync(LegacyTokenService service, LegacyTokenInfo token, CancellationToken cancellationToken) =>
        service.RemoveAsync(token, cancellationToken);
}
