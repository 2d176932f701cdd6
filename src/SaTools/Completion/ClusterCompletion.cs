using System.Collections;
using SaTools.Engine.Connection;

namespace SaTools.Completion;

/// <summary>
/// What the completers that ask the cluster share: the connection the command line names (-Connection, else
/// -Context/-Kubeconfig, else the session's default from Connect-K8sCluster), at most two seconds of waiting for
/// the query (a slower one goes on for up to 30 seconds and what it finds is kept for the next Tab:
/// <see cref="CompletionCache.GetOrQuery"/>), results cached for a minute, and no retries: Tab must never print an
/// error or hang a console. Callers still catch every exception (silent on failure).
/// </summary>
internal static class ClusterCompletion
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan QueryLimit = TimeSpan.FromSeconds(30);

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
        return CompletionCache.GetOrQuery(key, () => QueryAsync(connection?.Engine, context, kubeconfig, list), Wait);
    }

    private static async Task<IReadOnlyList<string>> QueryAsync(KubeConnection? shared, string? context, string? kubeconfig,
        Func<KubeConnection, CancellationToken, IAsyncEnumerable<string>> list)
    {
        using var timeout = new CancellationTokenSource(QueryLimit);
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
            return names;
        }
        finally
        {
            opened?.Dispose();
        }
    }
}
