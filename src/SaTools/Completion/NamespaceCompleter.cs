using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace SaTools.Completion;

/// <summary>
/// Completes -Namespace (and -Scope, -ExcludeNamespace) with the cluster's namespaces, on the connection the
/// command line names (<see cref="ClusterCompletion"/>: two seconds of waiting at most, a slower answer kept for the next Tab, cached for a minute, silent on any failure).
/// </summary>
internal sealed class NamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var names = ClusterCompletion.Names(fakeBoundParameters, "namespaces", scope: null,
                (connection, ct) => connection.Api.ListNamespaceNamesAsync(ct));
            return ContextCompleter.Matches(names, wordToComplete);
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }
}
