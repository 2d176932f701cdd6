using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SaTools.Benchmarks.Hosting;

/// <summary>
/// A hosted runspace with SaTools imported from out/SaTools/SaTools.psd1 by manifest, as a user would have it
/// (PowerShellEditorServices test/PowerShellEditorServices.Test/PsesHostFactory.cs: CreateDefault2; the same
/// pattern as tests/SaTools.Module.Tests/ModuleSession.cs).
/// </summary>
public sealed class ModuleRunspace : IDisposable
{
    private readonly Runspace _runspace;

    public ModuleRunspace(string manifestPath)
    {
        _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        _runspace.Open();
        var import = Invoke("Import-Module -Name $args[0] -ErrorAction Stop -PassThru | ForEach-Object { $_.ExportedCmdlets.Keys }", manifestPath);
        if (import.Terminating is not null)
        {
            throw new InvalidOperationException($"Import-Module {manifestPath} failed: {import.Terminating}");
        }
        ExportedCmdlets = new HashSet<string>(import.Output.Select(o => o.BaseObject.ToString()!), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The cmdlets the imported manifest exports: a workload whose cmdlet is missing is skipped.</summary>
    public IReadOnlySet<string> ExportedCmdlets { get; }

    /// <summary>Runs a script (positional arguments in $args) and returns its output and errors; a terminating
    /// error is captured, not thrown, so one failing workload does not stop the benchmark.</summary>
    public Invocation Invoke(string script, params object?[] args) => Run(script, args, countOnly: false);

    /// <summary>Runs a script and counts what it writes without keeping it, as a pipeline into Out-Null would:
    /// the measured memory is the module's, not a collection of its output (the SDK alone has no Measure-Object).</summary>
    public Invocation Count(string script, params object?[] args) => Run(script, args, countOnly: true);

    private Invocation Run(string script, object?[] args, bool countOnly)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var arg in args) ps.AddArgument(arg);
        var result = new Invocation();
        using var output = new PSDataCollection<PSObject>();
        if (countOnly)
        {
            output.DataAdded += (_, _) =>
            {
                result.Written++;
                output.Clear();
            };
        }
        try
        {
            ps.Invoke<PSObject>(null, output);
        }
        catch (RuntimeException e)
        {
            result.Terminating = e.ErrorRecord;
        }
        if (!countOnly)
        {
            result.Output.AddRange(output);
            result.Written = output.Count;
        }
        result.Errors.AddRange(ps.Streams.Error);
        return result;
    }

    public void Dispose() => _runspace.Dispose();

    public sealed class Invocation
    {
        public List<PSObject> Output { get; } = new();
        public List<ErrorRecord> Errors { get; } = new();
        public ErrorRecord? Terminating { get; set; }

        public int ErrorCount => Errors.Count + (Terminating is null ? 0 : 1);

        /// <summary>The first error, for the report (never a token: SaTools never puts one in an error).</summary>
        public string? FirstError => (Terminating ?? Errors.FirstOrDefault()) is { } e
            ? $"{e.FullyQualifiedErrorId}: {e.Exception.Message.ReplaceLineEndings(" ")}"
            : null;

        /// <summary>How many objects the script wrote.</summary>
        public long Written { get; set; }
    }
}
