using System.Reflection;
using System.Runtime.Loader;

namespace SaTools.Loading;

/// <summary>
/// SaTools' own AssemblyLoadContext: the engine and every third-party assembly it needs (KubernetesClient,
/// Microsoft.IdentityModel.*, Polly, YamlDotNet...) load from <c>Dependencies/</c> beside SaTools.dll, so another
/// module's copies (Az.Accounts brings its own IdentityModel) never meet ours. Anything not in Dependencies/
/// (the BCL, PowerShell) is left to the default context. Modelled on PowerShellEditorServices
/// src/PowerShellEditorServices.Hosting/Internal/PsesLoadContext.cs and the PowerShell docs' "Resolving
/// PowerShell module assembly dependency conflicts".
/// </summary>
internal sealed class SaToolsLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static SaToolsLoadContext? _instance;

    private readonly string _dependencyDirectory;

    private SaToolsLoadContext(string dependencyDirectory)
        : base("SaTools", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    /// <summary>The one instance for the process: a module imported twice must not load the engine twice.</summary>
    public static SaToolsLoadContext Instance
    {
        get
        {
            lock (Gate)
            {
                return _instance ??= new SaToolsLoadContext(
                    Path.Combine(Path.GetDirectoryName(typeof(SaToolsLoadContext).Assembly.Location)!, "Dependencies"));
            }
        }
    }

    public string DependencyDirectory => _dependencyDirectory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null) return null;
        var path = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        if (!File.Exists(path) || !IsSatisfyingAssembly(assemblyName, path))
        {
            // Not ours: the default context (BCL, PowerShell) answers.
            return null;
        }
        return LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = Path.Combine(_dependencyDirectory, unmanagedDllName);
        return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }

    /// <summary>The file is the assembly asked for: same name, same public key token, version at least the one asked.</summary>
    private static bool IsSatisfyingAssembly(AssemblyName requested, string path)
    {
        AssemblyName found;
        try
        {
            found = AssemblyName.GetAssemblyName(path);
        }
        catch (BadImageFormatException)
        {
            return false;
        }
        if (!string.Equals(found.Name, requested.Name, StringComparison.OrdinalIgnoreCase)) return false;
        if (requested.Version is not null && found.Version is not null && found.Version < requested.Version) return false;
        var requestedToken = requested.GetPublicKeyToken();
        var foundToken = found.GetPublicKeyToken();
        if (requestedToken is { Length: > 0 } && !requestedToken.AsSpan().SequenceEqual(foundToken ?? Array.Empty<byte>())) return false;
        return true;
    }
}
