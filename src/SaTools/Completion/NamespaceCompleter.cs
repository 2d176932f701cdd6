using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SaTools.Engine.Connection;

namespace SaTools.Completion;

/// <summary>
/// Completes -Namespace by listing the cluster's namespaces with the connection the command line names
/// (-Context, -Kubeconfig), at most two seconds, cached for a minute, silent on any failure: Tab must never
/// print an error or hang a console.
/// </summary>
internal sealed class NamespaceCompleter : IArgumentCompleter
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var context = fakeBoundParameters["Context"] as string;
            var kubeconfig = fakeBoundParameters["Kubeconfig"] as string;
            var connection = fakeBoundParameters["Connection"] as Output.ClusterConnection;
            if (connection is null && context is null && kubeconfig is null) connection = Commands.SessionConnection.Current;
            var key = connection is not null
                ? "namespaces|connection|" + connection.Server + "|" + connection.Context
                : "namespaces|" + context + "|" + kubeconfig + "|" + Environment.GetEnvironmentVariable("KUBECONFIG");
            var names = CompletionCache.GetOrAdd(key, () => connection is not null ? List(connection.Engine) : Load(context, kubeconfig));
            return ContextCompleter.Matches(names, wordToComplete);
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    private static IReadOnlyList<string> List(KubeConnection connection)
    {
        using var timeout = new CancellationTokenSource(TimeLimit);
        var work = Task.Run(async () =>
        {
            var names = new List<string>();
            await foreach (var name in connection.Api.ListNamespaceNamesAsync(timeout.Token).ConfigureAwait(false))
            {
                names.Add(name);
            }
            return (IReadOnlyList<string>)names;
        });
        return work.Wait(TimeLimit) ? work.Result : Array.Empty<string>();
    }

    private static IReadOnlyList<string> Load(string? context, string? kubeconfig)
    {
        using var timeout = new CancellationTokenSource(TimeLimit);
        var work = Task.Run(async () =>
        {
            var options = new ConnectionOptions
            {
                Context = context,
                KubeconfigPath = kubeconfig,
                VerifyConnection = false,
                Retry = new Engine.Api.RetrySettings { MaxRetries = 0 },
            };
            using var connection = await KubeConnection.OpenAsync(options, timeout.Token).ConfigureAwait(false);
            var names = new List<string>();
            await foreach (var name in connection.Api.ListNamespaceNamesAsync(timeout.Token).ConfigureAwait(false))
            {
                names.Add(name);
            }
            return (IReadOnlyList<string>)names;
        });
        return work.Wait(TimeLimit) ? work.Result : Array.Empty<string>();
    }
}
