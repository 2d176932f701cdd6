namespace SaTools.Engine.Automount;

/// <summary>
/// The three states of <c>automountServiceAccountToken</c> on a ServiceAccount: true, false, or not set (which
/// the ServiceAccount admission plugin treats as true: plugin/pkg/admission/serviceaccount/admission.go, shouldAutomount).
/// </summary>
public static class AutomountValue
{
    /// <summary>The text used in output and accepted back by Set-K8sServiceAccountAutomount.</summary>
    public const string NotSet = "not set";

    /// <summary>Shown when the value could not be read; refused by <see cref="TryParse"/>.</summary>
    public const string Unknown = "unknown";

    public static string Format(bool? value) => value switch
    {
        true => "True",
        false => "False",
        null => NotSet,
    };

    /// <summary>Parses what <see cref="Format"/> wrote (also "NotSet" and "null"), so a run's Previous column read
    /// back from a CSV can be replayed. An empty or unknown text is refused: a row whose value was never read
    /// must not silently remove the field.</summary>
    public static bool TryParse(string? text, out bool? value)
    {
        value = null;
        var t = text?.Trim() ?? string.Empty;
        if (t.Equals("NotSet", StringComparison.OrdinalIgnoreCase) || t.Equals(NotSet, StringComparison.OrdinalIgnoreCase)
            || t.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (bool.TryParse(t, out var b))
        {
            value = b;
            return true;
        }
        return false;
    }
}
