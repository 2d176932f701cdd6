using System.Reflection;
using System.Management.Automation;
using System.Runtime.Loader;

namespace SaTools.Loading;

/// <summary>
/// Runs when Import-Module loads SaTools.dll: teaches the default context to find <c>SaTools.Engine</c> (and only
/// it) in SaTools' own load context. Everything the engine references then resolves inside that context.
/// This class must not touch an engine type: the handler is not in place until OnImport has run.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    internal const string EngineAssemblyName = "SaTools.Engine";
    private static readonly object Gate = new();

    // Several runspaces of one process may import the module: the handler stays while any import is live.
    private static int _imports;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_imports++ == 0) AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (_imports > 0 && --_imports == 0) AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, EngineAssemblyName, StringComparison.Ordinal)
            ? SaToolsLoadContext.Instance.LoadFromAssemblyName(name)
            : null;
}
