namespace SaTools.Engine.Tests.Connection;

/// <summary>Kubeconfig files in a temporary directory.</summary>
internal sealed class TempKubeconfig : IDisposable
{
    public TempKubeconfig() => Directory.CreateDirectory(DirectoryPath);

    public string DirectoryPath { get; } = Path.Combine(Path.GetTempPath(), "satools-kc-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, string yaml)
    {
        var path = Path.Combine(DirectoryPath, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>A kubeconfig with one cluster, user and context per name; current-context is the first (or none).</summary>
    public static string Yaml(string? currentContext, params (string Context, string Server, string Token, string? Namespace)[] contexts)
    {
        var clusters = string.Concat(contexts.Select(c => $"- name: {c.Context}-cluster\n  cluster:\n    server: {c.Server}\n    insecure-skip-tls-verify: true\n"));
        var users = string.Concat(contexts.Select(c => $"- name: {c.Context}-user\n  user:\n    token: {c.Token}\n"));
        var ctxs = string.Concat(contexts.Select(c => $"- name: {c.Context}\n  context:\n    cluster: {c.Context}-cluster\n    user: {c.Context}-user\n" + (c.Namespace is null ? "" : $"    namespace: {c.Namespace}\n")));
        return $"apiVersion: v1\nkind: Config\n{(currentContext is null ? "" : $"current-context: {currentContext}\n")}clusters:\n{clusters}users:\n{users}contexts:\n{ctxs}";
    }

    public void Dispose()
    {
        try { Directory.Delete(DirectoryPath, recursive: true); } catch (IOException) { }
    }
}
