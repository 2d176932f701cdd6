namespace SaTools.Output;

/// <summary>
/// One ServiceAccount handled by Disable-K8sDefaultAutomount or Set-K8sServiceAccountAutomount. Flat and
/// CSV-friendly: <see cref="Previous"/> and <see cref="Current"/> are "True", "False" or "not set", the values
/// Set-K8sServiceAccountAutomount -Value accepts back, so a saved report replays as an undo.
/// </summary>
public sealed class AutomountResult
{
    internal AutomountResult(string context, string @namespace, string serviceAccount, string previous, string current,
        string action, string? error, StringList podsRelyingOnToken, bool impactKnown)
    {
        Context = context;
        Namespace = @namespace;
        ServiceAccount = serviceAccount;
        Previous = previous;
        Current = current;
        Action = action;
        Error = error;
        RelyingPods = podsRelyingOnToken;
        PodsRelyingOnToken = impactKnown ? podsRelyingOnToken.Count : null;
    }

    public string Context { get; }
    public string Namespace { get; }
    public string ServiceAccount { get; }

    /// <summary>automountServiceAccountToken before the run: True, False or "not set" ("unknown" when it could not be read).</summary>
    public string Previous { get; }

    /// <summary>The value the ServiceAccount holds after the run (the previous one unless Action is Patched).</summary>
    public string Current { get; }

    /// <summary>Patched, AlreadyDisabled, Unchanged, WouldPatch, Skipped or Failed.</summary>
    public string Action { get; }

    /// <summary>Why the ServiceAccount could not be read or written (Action Failed); empty otherwise.</summary>
    public string? Error { get; }

    /// <summary>How many live pods use this ServiceAccount without setting automountServiceAccountToken
    /// themselves, and so lose their token when they are next recreated (0 when the value is not set to false);
    /// empty when the pods could not be read.</summary>
    public int? PodsRelyingOnToken { get; }

    /// <summary>Their names (joined with "; " in CSV).</summary>
    public StringList RelyingPods { get; }

    public override string ToString() => $"{Namespace}/{ServiceAccount}: {Action}";
}
