using k8s;
using k8s.KubeConfigModels;

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
            var next = KubernetesClientConfiguration.LoadKubeConfig(file, true);
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

    private static List<T> FirstWins<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string?> nameOf)
    {
        var result = (first ?? Enumerable.Empty<T>()).ToList();
        var names = new HashSet<string?>(result.Select(nameOf), StringComparer.Ordinal);
        result.AddRange((second ?? Enumerable.Empty<T>()).Where(item => names.Add(nameOf(item))));
        return result;
    }
}
