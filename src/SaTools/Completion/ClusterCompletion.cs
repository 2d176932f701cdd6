using System.Collections;
using SaTools.Engine.Connection;

namespace SaTools.Completion;

/// <summary>
/// What the completers that ask the cluster share: the connection the command line names (-Connection, else
/// -Context/-Kubeconfig, else the session's default from Connect-K8sCluster), at most two seconds for the whole
/// query, results cached for a minute, and no retries: Tab must never print an error or hang a console.
/// Callers still catch every exception (silent on failure).
/// </summary>
internal static class ClusterCompletion
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    /// <summary>The names <paramref name="list"/> yields on the command line's connection; <paramref name="kind"/>
    /// and <paramref name="scope"/> (a namespace, or null) keep cache entries apart.</summary>
    public static IReadOnlyList<string> Names(IDictionary fakeBoundParameters, string kind, string? scope,
        Func<KubeConnection, CancellationToken, IAsyncEnumerable<string>> list)
    {
        var context = fakeBoundParameters["Context"] as string;
        var kubeconfig = fakeBoundParameters["Kubeconfig"] as string;
        var connection = fakeBoundParameters["Connection"] as Output.ClusterConnection;
        if (connection is null && context is null && kubeconfig is null) connection = Commands.SessionConnection.Current;
        var key = connection is not null
            ? $"{kind}|connection|{connection.Server}|{connection.Context}|{scope}"
            : $"{kind}|{context}|{kubeconfig}|{Environment.GetEnvironmentVariable("KUBECONFIG")}|{scope}";
        return CompletionCache.GetOrAdd(key, () => Load(connection?.Engine, context, kubeconfig, list));
    }

    private static IReadOnlyList<string> Load(KubeConnection? shared, string? context, string? kubeconfig,
        Func<KubeConnection, CancellationToken, IAsyncEnumerable<string>> list)
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
                var names = new List<string>();
                await foreach (var name in list(shared ?? opened!, timeout.Token).WithCancellation(timeout.Token).ConfigureAwait(false))
                {
                    names.Add(name);
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
