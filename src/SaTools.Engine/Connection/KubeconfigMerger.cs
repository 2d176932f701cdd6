using k8s;
using k8s.KubeConfigModels;
using SaTools.Engine.Api;

namespace SaTools.Engine.Connection;

/// <summary>
/// Loads several kubeconfig files into one, the way kubectl merges $KUBECONFIG
/// (client-go tools/clientcmd/loader.go, ClientConfigLoadingRules.Load): the first file to set current-context
/// wins, and the first file to define a cluster, user or context of a given name wins. Each file is read by
/// KubernetesClient's own loader, so relative certificate and exec paths resolve against that file.
/// </summary>
internal static class KubeconfigMerger
{
    public static K8SConfiguration Load(IReadOnlyList<FileInfo> files)
    {
        K8SConfiguration? merged = null;
        foreach (var file in files)
        {
            var next = LoadOne(file);
            if (merged is null)
            {
                merged = next;
                continue;
            }
            if (string.IsNullOrEmpty(merged.CurrentContext)) merged.CurrentContext = next.CurrentContext;
            merged.Clusters = FirstWins(merged.Clusters, next.Clusters, c => c.Name);
            merged.Users = FirstWins(merged.Users, next.Users, u => u.Name);
            merged.Contexts = FirstWins(merged.Contexts, next.Contexts, c => c.Name);
        }
        return merged ?? new K8SConfiguration();
    }

    /// <summary>
    /// One file through KubernetesClient's loader. Whatever the loader throws for a file that is not a kubeconfig
    /// (YamlDotNet's parse errors with line and column, InvalidOperationException from its object mapping,
    /// KubeConfigException, an unreadable file) becomes one InvalidConfiguration failure that names the file.
    /// </summary>
    private static K8SConfiguration LoadOne(FileInfo file)
    {
        K8SConfiguration? config;
        try
        {
            if (string.IsNullOrWhiteSpace(File.ReadAllText(file.FullName)))
            {
                throw new KubeApiException(KubeErrorKind.InvalidConfiguration, $"The kubeconfig file '{file.FullName}' is empty.");
            }
            config = KubernetesClientConfiguration.LoadKubeConfig(file, true);
        }
        catch (Exception e) when (e is not KubeApiException and not OperationCanceledException and not OutOfMemoryException)
        {
            throw new KubeApiException(KubeErrorKind.InvalidConfiguration,
                $"The kubeconfig file '{file.FullName}' cannot be read as a kubeconfig: {Describe(e)}", e);
        }
        if (config is null || (config.Clusters is null && config.Contexts is null && config.Users is null && config.CurrentContext is null))
        {
            throw new KubeApiException(KubeErrorKind.InvalidConfiguration,
                $"The kubeconfig file '{file.FullName}' holds no clusters, users or contexts: it is empty or not a kubeconfig.");
        }
        return config;
    }

    /// <summary>What is wrong, and where: YamlDotNet knows the line and column; a well-formed YAML of the wrong shape
    /// (a scalar, a list where a kubeconfig has a mapping) is said so in those words, not as a .NET cast.</summary>
    private static string Describe(Exception e)
    {
        var yaml = Chain(e).OfType<YamlDotNet.Core.YamlException>().FirstOrDefault();
        var where = yaml is null ? "" : $" (line {yaml.Start.Line}, column {yaml.Start.Column})";
        if (Chain(e).Any(x => x is InvalidCastException || x.Message.Contains("Invalid cast", StringComparison.Ordinal)))
        {
            return $"the YAML{where} does not have a kubeconfig's shape (a mapping with apiVersion, kind: Config, clusters, users, contexts and current-context).";
        }
        var cause = Chain(e).Select(x => x.Message).LastOrDefault(m => !string.IsNullOrWhiteSpace(m)) ?? e.Message;
        return $"{ErrorTranslator.FirstLine(cause).TrimEnd('.')}{where}.";
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException) yield return x;
    }

    private static List<T> FirstWins<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string?> nameOf)
    {
        var result = (first ?? Enumerable.Empty<T>()).ToList();
        var names = new HashSet<string?>(result.Select(nameOf), StringComparer.Ordinal);
        result.AddRange((second ?? Enumerable.Empty<T>()).Where(item => names.Add(nameOf(item))));
        return result;
    }
}
