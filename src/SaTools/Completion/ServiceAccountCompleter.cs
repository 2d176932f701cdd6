using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using SaTools.Engine.Connection;
using SaTools.Engine.Inventory;

namespace SaTools.Completion;

/// <summary>
/// Completes -ServiceAccount with the ServiceAccounts of the namespace on the command line (-Namespace, else the
/// connection's namespace), the same way <see cref="NamespaceCompleter"/> works: two seconds at most, cached for
/// a minute, silent on any failure.
/// </summary>
internal sealed class ServiceAccountCompleter : IArgumentCompleter
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var ns = fakeBoundParameters["Namespace"] as string;
            var context = fakeBoundParameters["Context"] as string;
            var kubeconfig = fakeBoundParameters["Kubeconfig"] as string;
            var connection = fakeBoundParameters["Connection"] as Output.ClusterConnection;
            if (connection is null && context is null && kubeconfig is null) connection = Commands.SessionConnection.Current;
            var key = connection is not null
                ? "serviceaccounts|connection|" + connection.Server + "|" + connection.Context + "|" + ns
                : "serviceaccounts|" + context + "|" + kubeconfig + "|" + Environment.GetEnvironmentVariable("KUBECONFIG") + "|" + ns;
            var names = CompletionCache.GetOrAdd(key, () => Load(connection?.Engine, context, kubeconfig, ns));
            return ContextCompleter.Matches(names, wordToComplete);
        }
        catch (Exception)
        {
            return Array.Empty<CompletionResult>();
        }
    }

    private static IReadOnlyList<string> Load(KubeConnection? shared, string? context, string? kubeconfig, string? ns)
    {
        using var timeout = new CancellationTokenSource(TimeLimit);
        var work = Task.Run(async () =>
        {
            var opened = shared is null
                ? await KubeConnection.OpenAsync(new ConnectionOptions
                {
                    Context = context,
                    KubeconfigPath = kubeconfig,
                    VerifyConnection = false,
                    Retry = new Engine.Api.RetrySettings { MaxRetries = 0 },
                }, timeout.Token).ConfigureAwait(false)
                : null;
            try
            {
                var connection = shared ?? opened!;
                var names = new List<string>();
                await foreach (var sa in new ServiceAccountInventory(connection.Api).ListAsync(ns ?? connection.Namespace, null, null, timeout.Token).ConfigureAwait(false))
                {
                    names.Add(sa.Name);
                }
                return (IReadOnlyList<string>)names;
            }
            finally
            {
                opened?.Dispose();
            }
        });
        return work.Wait(TimeLimit) ? work.Result : Array.Empty<string>();
    }
}
