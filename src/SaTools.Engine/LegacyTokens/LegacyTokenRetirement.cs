using System.Text.Json.Nodes;

namespace SaTools.Engine.LegacyTokens;

/// <summary>What Disable-/Remove-K8sLegacyToken did to one Secret.</summary>
public enum LegacyTokenAction
{
    Invalidated,
    AlreadyInvalidated,
    Removed,
    WouldInvalidate,
    WouldRemove,
    /// <summary>Still mounted by a pod and -Force not given.</summary>
    Refused,
    Skipped,
    Failed,
}

/// <summary>The rules for retiring a legacy token Secret.</summary>
public static class LegacyTokenRetirement
{
    /// <summary>A Secret still mounted by a pod is retired only with -Force: the pod would lose its credential.</summary>
    public static bool Refuses(IReadOnlyCollection<string> mountedBy, bool force) => mountedBy.Count > 0 && !force;

    /// <summary>
    /// The merge patch that adds <c>kubernetes.io/legacy-token-invalid-since</c> with today's date, as the control
    /// plane's cleaner does before it deletes (legacy_serviceaccount_token_cleaner.go). Only that label is named, so
    /// nothing else changes; removing the label makes the token valid again.
    /// </summary>
    public static string InvalidatePatch(DateTime nowUtc) =>
        new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = new JsonObject { [LegacyTokenLabels.InvalidSinceLabel] = LegacyTokenLabels.FormatDate(nowUtc) },
            },
        }.ToJsonString();
}
