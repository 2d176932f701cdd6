using System.Management.Automation;
using SaTools.Output;
using SaTools.Engine.Audit.Report;

namespace SaTools.Commands;

/// <summary>
/// Writes the findings of Invoke-K8sServiceAccountAudit (piped directly, or read back with Import-Csv or
/// ConvertFrom-Json) as one self-contained HTML page (Engine/Audit/Report/AuditReportWriter): no script and
/// nothing loaded from elsewhere, so it can be mailed and opened offline. Needs no cluster.
/// </summary>
[Cmdlet(VerbsData.Export, "K8sAuditReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportK8sAuditReportCommand : PSCmdlet
{
    private readonly List<AuditReportRow> _rows = new();

    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>A finding: an Invoke-K8sServiceAccountAudit object, or a row of its CSV or JSON.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>The page's heading. Default: "ServiceAccount security audit".</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Title { get; set; }

    /// <summary>Overwrite an existing file (also a read-only one).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Output the file written.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        if (FindingRow.From(InputObject) is not { } row)
        {
            WriteError(new ErrorRecord(new ArgumentException("The input is not an audit finding: it needs CheckId, Kind and Name (the output of Invoke-K8sServiceAccountAudit, or its CSV/JSON)."),
                "ExportK8sAuditReportInvalidFinding", ErrorCategory.InvalidArgument, InputObject));
            return;
        }
        _rows.Add(new AuditReportRow(row.Finding, row.Change, row.Evaluated, row.Context));
    }

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(path))
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"'{path}' is a directory: give the path of the HTML file to write."),
                "ExportK8sAuditReportPathIsDirectory", ErrorCategory.InvalidArgument, path));
        }
        var exists = File.Exists(path);
        if (exists && !Force.IsPresent)
        {
            ThrowTerminatingError(new ErrorRecord(new IOException($"The file '{path}' exists. Use -Force to overwrite it."),
                "ExportK8sAuditReportFileExists", ErrorCategory.ResourceExists, path));
        }
        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"The folder '{directory}' does not exist."),
                "ExportK8sAuditReportFolderNotFound", ErrorCategory.ObjectNotFound, directory));
        }
        if (!ShouldProcess(path, $"{(exists ? "Overwrite" : "Write")} the audit report ({_rows.Count} findings)")) return;

        var html = AuditReportWriter.Write(_rows, DateTime.UtcNow, Title);
        try
        {
            if (exists && Force.IsPresent)
            {
                var info = new FileInfo(path);
                if (info.IsReadOnly) info.IsReadOnly = false;
            }
            File.WriteAllText(path, html, new System.Text.UTF8Encoding(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ExportK8sAuditReportWriteFailed", ErrorCategory.WriteError, path));
        }
        WriteVerbose($"Wrote {_rows.Count} finding(s) to {path}.");
        if (PassThru.IsPresent) WriteObject(new FileInfo(path));
    }
}
