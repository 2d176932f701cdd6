using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SaTools.Engine.Inventory;

namespace SaTools.Completion;

/// <summary>
/// Completes -ServiceAccount with the ServiceAccounts of the namespace on the command line (-Namespace, else the
/// connection's namespace), as <see cref="NamespaceCompleter"/> does: two seconds of waiting at most, a slower
/// answer kept for the next Tab, cached for a minute, silent on any failure.
/// </summary>
internal sealed class ServiceAccountCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var ns = fakeBoundParameters["Namespace"] as string;
            var names = ClusterCompletion.Names(fakeBoundParameters, "serviceaccounts", ns, ListNames);
            return ContextCompleter.Matches(names, wordToComplete);

            async IAsyncEnumerable<string> ListNames(Engine.Connection.KubeConnection connection, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
            {
                await foreach (var sa in new ServiceAccountInventory(connection.Api).ListAsync(ns ?? connection.Namespace, null, null, ct).ConfigureAwait(false))
                {
                    yield return sa.Name;
                }
            }
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }
}
