namespace SaTools.Module.Tests;

/// <summary>Where the repository and the built module are: walk up from the test binaries to SaTools.sln.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SaTools.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("SaTools.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;

    public static string ModuleDirectory => Path.Combine(Root, "out", "SaTools");

    public static string ManifestPath => Path.Combine(ModuleDirectory, "SaTools.psd1");
}
