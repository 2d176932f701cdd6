using System.Management.Automation;
using SaTools.Engine.Automount;

namespace SaTools.Commands;

/// <summary>
/// Reads the -Value (alias Previous) of Set-K8sServiceAccountAutomount and Set-K8sWorkloadAutomount: a Boolean,
/// $null (remove the field), or the text a report holds after Export-Csv and Import-Csv (True, False, "not set").
/// </summary>
internal static class AutomountValueArgument
{
    /// <param name="emptyIsNotSet">True where a report's empty cell means "not set" (workload reports write the
    /// value as a nullable Boolean, and every row's value was read); false where an empty or "unknown" cell means
    /// "never read" and must not remove the field (ServiceAccount reports).</param>
    public static bool TryRead(object? value, bool emptyIsNotSet, out bool? desired)
    {
        desired = null;
        switch (value is PSObject wrapped ? wrapped.BaseObject : value)
        {
            case null:
                return true;
            case bool b:
                desired = b;
                return true;
            case string s when emptyIsNotSet && s.Trim().Length == 0:
                return true;
            case string s:
                return AutomountValue.TryParse(s, out desired);
            default:
                return false;
        }
    }
}
