namespace SaTools.Benchmarks.Hosting;

/// <summary>Where the repository and the built module are: walk up from the benchmark binaries to SaTools.sln
/// (as tests/SaTools.Module.Tests/RepoPaths.cs does).</summary>
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

    public static string ManifestPath => Path.Combine(Root, "out", "SaTools", "SaTools.psd1");
}
