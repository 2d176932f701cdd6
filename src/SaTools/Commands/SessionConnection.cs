using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// The default connection of each runspace, set by Connect-K8sCluster. Kept per runspace (not per process) so
/// two runspaces of one host, or two runbooks in one worker, never share a cluster by accident.
/// </summary>
internal static class SessionConnection
{
    private static readonly ConditionalWeakTable<Runspace, ClusterConnection> Defaults = new();

    public static ClusterConnection? Current
    {
        get
        {
            var runspace = Runspace.DefaultRunspace;
            return runspace is not null && Defaults.TryGetValue(runspace, out var connection) ? connection : null;
        }
    }

    public static void Set(ClusterConnection connection)
    {
        var runspace = Runspace.DefaultRunspace ?? throw new InvalidOperationException("No runspace.");
        // The previous connection is not disposed: a runbook may still hold it and pass it as -Connection.
        Defaults.AddOrUpdate(runspace, connection);
    }
}
