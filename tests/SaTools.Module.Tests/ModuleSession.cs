using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace SaTools.Module.Tests;

/// <summary>
/// A hosted runspace with SaTools imported from out/SaTools/SaTools.psd1, as a user would have it
/// (PowerShellEditorServices test/PowerShellEditorServices.Test/PsesHostFactory.cs: CreateDefault2).
/// </summary>
public sealed class ModuleSession : IDisposable
{
    private readonly Runspace _runspace;

    public ModuleSession(bool import = true)
    {
        var state = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        if (import)
        {
            Run("Import-Module -Name $args[0] -ErrorAction Stop", RepoPaths.ManifestPath);
        }
    }

    public Runspace Runspace => _runspace;

    /// <summary>A PowerShell instance on this session's runspace, for tests that need streams or StopAsync.</summary>
    public PowerShell Create()
    {
        var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        return ps;
    }

    /// <summary>Runs a script (positional arguments in $args) and returns its output; fails on a terminating error.</summary>
    public List<PSObject> Run(string script, params object?[] args)
    {
        using var ps = Create();
        ps.AddScript(script);
        foreach (var arg in args) ps.AddArgument(arg);
        return ps.Invoke().ToList();
    }

    /// <summary>Runs a script and returns output and the error stream. A terminating error (a cmdlet's
    /// ThrowTerminatingError, which in a script only ends its statement) stops the script and is kept apart in
    /// <see cref="Result.Terminating"/>; non-terminating errors stay in <see cref="Result.Errors"/>.</summary>
    public Result RunCapturing(string script, params object?[] args)
    {
        using var ps = Create();
        // The script runs as a script block inside try/catch (so it may have its own param block); a terminating
        // error anywhere in it reaches the catch and ends the run.
        ps.AddScript("""
            $__script = [scriptblock]::Create($args[0])
            $__list = [System.Collections.Generic.List[object]]::new()
            for ($__i = 1; $__i -lt $args.Count; $__i++) { $__list.Add($args[$__i]) }
            $__rest = $__list.ToArray()
            try { & $__script @__rest } catch { throw }
            """);
        ps.AddArgument(script);
        foreach (var arg in args) ps.AddArgument(arg);
        var result = new Result();
        try
        {
            result.Output.AddRange(ps.Invoke());
        }
        catch (RuntimeException e)
        {
            result.Terminating = e.ErrorRecord;
        }
        result.Errors.AddRange(ps.Streams.Error);
        result.Verbose.AddRange(ps.Streams.Verbose.Select(v => v.Message));
        result.Warnings.AddRange(ps.Streams.Warning.Select(v => v.Message));
        result.Debug.AddRange(ps.Streams.Debug.Select(v => v.Message));
        result.Progress.AddRange(ps.Streams.Progress);
        return result;
    }

    public void Dispose() => _runspace.Dispose();

    public sealed class Result
    {
        public List<PSObject> Output { get; } = new();
        public List<ErrorRecord> Errors { get; } = new();
        public ErrorRecord? Terminating { get; set; }
        public List<string> Verbose { get; } = new();
        public List<string> Warnings { get; } = new();
        public List<string> Debug { get; } = new();
        public List<ProgressRecord> Progress { get; } = new();

        /// <summary>Every error, the terminating one last.</summary>
        public IEnumerable<ErrorRecord> AllErrors => Terminating is null ? Errors : Errors.Append(Terminating);
    }
}
