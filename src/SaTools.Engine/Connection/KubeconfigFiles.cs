using SaTools.Engine.Api;

namespace SaTools.Engine.Connection;

/// <summary>
/// Which kubeconfig files to read, as kubectl picks them (client-go tools/clientcmd/loader.go,
/// ClientConfigLoadingRules): an explicit path must exist; $KUBECONFIG may list several files, joined by the
/// platform's path separator (<c>:</c> on Linux and macOS, <c>;</c> on Windows), missing ones skipped, merged
/// first-wins; otherwise <c>~/.kube/config</c>.
/// </summary>
internal static class KubeconfigFiles
{
    public static IReadOnlyList<FileInfo> Find(ConnectionOptions options, out string searched)
    {
        if (!string.IsNullOrWhiteSpace(options.KubeconfigPath))
        {
            var explicitFiles = Split(options.KubeconfigPath).ToList();
            var missing = explicitFiles.Where(f => !File.Exists(f)).ToList();
            if (missing.Count > 0)
            {
                throw new KubeApiException(KubeErrorKind.NoKubeconfig,
                    $"The kubeconfig file '{missing[0]}' does not exist. Check the -Kubeconfig path.");
            }
            searched = string.Join(Path.PathSeparator, explicitFiles);
            return explicitFiles.Select(f => new FileInfo(f)).ToList();
        }

        var fromEnvironment = options.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            searched = $"$KUBECONFIG ({fromEnvironment})";
            return Split(fromEnvironment).Where(File.Exists).Distinct(StringComparer.Ordinal).Select(f => new FileInfo(f)).ToList();
        }

        var home = options.HomeDirectory ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var defaultPath = Path.Combine(home, ".kube", "config");
        searched = defaultPath;
        return File.Exists(defaultPath) ? new[] { new FileInfo(defaultPath) } : Array.Empty<FileInfo>();
    }

    private static IEnumerable<string> Split(string paths) =>
        paths.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
             .Select(ExpandHome);

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal) || path == "~"
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path;
}
