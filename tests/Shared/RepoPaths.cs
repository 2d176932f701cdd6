namespace SaTools.TestSupport;

/// <summary>Where the repository, ../shared beside it and the built module are: walk up from the test binaries to
/// SaTools.sln. One file, linked into each test project that needs it (see its .csproj).</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SaTools.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("SaTools.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;

    /// <summary>../shared beside the clone (reference data, never copied into the repo).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string ModuleDirectory => Path.Combine(Root, "out", "SaTools");

    public static string ManifestPath => Path.Combine(ModuleDirectory, "SaTools.psd1");
}
