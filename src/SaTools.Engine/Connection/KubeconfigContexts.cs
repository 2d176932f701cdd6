using k8s;

namespace SaTools.Engine.Connection;

/// <summary>The contexts a kubeconfig offers, for argument completion. Never throws: no kubeconfig, no contexts.</summary>
public static class KubeconfigContexts
{
    /// <summary>Context names from the kubeconfig that <paramref name="kubeconfigPath"/> (or $KUBECONFIG, or ~/.kube/config) names.</summary>
    public static IReadOnlyList<string> List(string? kubeconfigPath)
    {
        try
        {
            var files = KubeconfigFiles.Find(new ConnectionOptions { KubeconfigPath = kubeconfigPath }, out _);
            if (files.Count == 0) return Array.Empty<string>();
            var kubeconfig = KubeconfigMerger.Load(files);
            return kubeconfig.Contexts?.Select(c => c.Name).Where(n => !string.IsNullOrEmpty(n)).Distinct().ToList()
                ?? (IReadOnlyList<string>)Array.Empty<string>();
        }
        catch (Exception)
        {
            return Array.Empty<string>();
        }
    }
}
