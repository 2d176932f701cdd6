using System.Management.Automation;
using System.Management.Automation.Runspaces;
using SaTools.Completion;
using SaTools.Engine.Audit;
using SaTools.Engine.Rbac;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// The ServiceAccount security checklist in one command: reads every list it needs once and at the same time
/// (or exported files), runs checks SA01..SA12 offline (Engine/Audit) and emits one finding per failing object;
/// -Baseline marks findings New, Unchanged or Resolved; -FailOn ends the run with an error after all output when a
/// finding is at or above the severity given, so a scheduled script exits non-zero.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "K8sServiceAccountAudit", DefaultParameterSetName = ParameterSetInNamespaces)]
[OutputType(typeof(K8sAuditFinding))]
public sealed class InvokeK8sServiceAccountAuditCommand : K8sCmdletBase
{
    public const string ParameterSetInNamespaces = "InNamespaces";
    public const string ParameterSetAllNamespaces = "AllNamespaces";
    private const string ReadActivity = "Reading namespaces, ServiceAccounts, pods, Secrets and RBAC";
    private const string EvaluateActivity = "Evaluating checks";

    /// <summary>Namespaces to report on (wildcards allowed). Default: the connection's namespace (with -InputFile: all).</summary>
    [Parameter(ParameterSetName = ParameterSetInNamespaces, Position = 0)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Namespace { get; set; }

    /// <summary>Report on every namespace and on cluster-scoped bindings.</summary>
    [Parameter(ParameterSetName = ParameterSetAllNamespaces, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>The checks to run (SA01 ... SA12). Default: all.</summary>
    [Parameter]
    [ValidateSet("SA01", "SA02", "SA03", "SA04", "SA05", "SA06", "SA07", "SA08", "SA09", "SA10", "SA11", "SA12")]
    public string[]? Check { get; set; }

    /// <summary>An earlier run's findings: a CSV from Export-Csv or a JSON from ConvertTo-Json.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Baseline { get; set; }

    /// <summary>After all output, a terminating error when any finding is at or above this severity.</summary>
    [Parameter]
    [ValidateSet("Info", "Low", "Medium", "High", "Critical")]
    public string? FailOn { get; set; }

    /// <summary>Exported state to audit offline instead of a cluster: <c>kubectl get ... -o json</c> or <c>-o yaml</c>
    /// output, or manifests not yet applied; several files are merged.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? InputFile { get; set; }

    protected override void EndProcessing()
    {
        // Everything the user gave is checked before any request.
        // An invalid -Namespace name is reported now and left out; when none is left there is nothing to audit.
        var namespaces = Namespace is null ? null : ValidNamesOrPatterns(Engine.Names.NameKind.Namespace, Namespace);
        if (namespaces is { Count: 0 }) return;
        var baseline = Baseline is null ? null : ReadBaseline(GetUnresolvedProviderPathFromPSPath(Baseline));
        var (snapshot, context) = LoadSnapshot();
        var filter = NamespaceFilter(snapshot, namespaces);

        // Each check's findings are written as soon as it and the checks before it are done, while later checks still
        // run (AuditEvaluator.Evaluate); with -Baseline every finding is needed first, to tell what was resolved.
        var checkCount = AuditCheckCatalog.Chosen(Check).Count;
        var progress = new ProgressRecord(2, EvaluateActivity, $"{checkCount} checks over {snapshot.ServiceAccountCount} ServiceAccounts, {snapshot.PodCount} pods, {snapshot.SecretCount} Secrets");
        WriteProgress(progress);
        var outcomes = new List<CheckOutcome>(checkCount);
        var worst = (AuditSeverity?)null;
        var failOn = FailOn is null ? (AuditSeverity?)null : Enum.Parse<AuditSeverity>(FailOn, ignoreCase: true);
        var atOrAboveFailOn = 0;
        foreach (var outcome in Evaluate(snapshot, filter))
        {
            outcomes.Add(outcome);
            if (outcome.NotEvaluatedReason is { } why)
            {
                WriteWarning($"{outcome.Check.CheckId} was not evaluated: {why} (it needs 'list' on secrets in all namespaces).");
            }
            WriteVerbose($"{outcome.Check.CheckId} {outcome.Check.Title}: {outcome.Evaluated} evaluated, {outcome.Findings.Count} failed.");
            progress.StatusDescription = $"{outcome.Check.CheckId} done: {outcome.Findings.Count} finding(s)";
            progress.PercentComplete = outcomes.Count * 100 / Math.Max(1, checkCount);
            WriteProgress(progress);

            foreach (var f in outcome.Findings)
            {
                if (worst is null || f.Severity > worst) worst = f.Severity;
                if (f.Severity >= failOn) atOrAboveFailOn++;
                if (baseline is null) WriteObject(new K8sAuditFinding(f, outcome.Evaluated, context, null));
            }
        }
        WriteProgress(new ProgressRecord(2, EvaluateActivity, "Done") { RecordType = ProgressRecordType.Completed });

        if (baseline is not null)
        {
            var evaluated = outcomes.ToDictionary(o => o.Check.CheckId, o => o.Evaluated, StringComparer.OrdinalIgnoreCase);
            var ran = outcomes.Where(o => o.NotEvaluatedReason is null).Select(o => o.Check.CheckId).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var findings = outcomes.SelectMany(o => o.Findings).ToList();
            foreach (var (f, change) in BaselineComparer.Compare(findings, baseline, ran, b => AuditEvaluator.InScope(b, filter)))
            {
                WriteObject(new K8sAuditFinding(f, evaluated.TryGetValue(f.CheckId, out var n) ? n : 0, context, change.ToString()));
            }
        }

        if (worst is { } w && w >= failOn)
        {
            var record = new ErrorRecord(
                new InvalidOperationException($"The audit found {atOrAboveFailOn} finding(s) at or above {FailOn} (worst: {w})."),
                CommandId + "FailOnThreshold," + GetType().FullName, ErrorCategory.InvalidResult, FailOn);
            // A cmdlet's ThrowTerminatingError ends only its statement: a scheduled `pwsh -File nightly.ps1` would
            // go on and exit 0. Thrown as a `throw` statement's error it ends the script (exit code 1), as the
            // scheduler needs, while try/catch and -ErrorAction still see an ordinary terminating error.
            throw new RuntimeException(record.Exception.Message, record.Exception, record) { WasThrownFromThrowStatement = true };
        }
    }

    /// <summary>The checks' outcomes as they are done (AuditEvaluator.Evaluate); Ctrl+C stops the wait for the next one.</summary>
    private IEnumerable<CheckOutcome> Evaluate(AuditSnapshot snapshot, Func<string, bool>? filter)
    {
        using var outcomes = AuditEvaluator.Evaluate(snapshot, Check, filter, DateTime.UtcNow, CancellationToken).GetEnumerator();
        while (true)
        {
            try
            {
                if (!outcomes.MoveNext()) yield break;
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            yield return outcomes.Current;
        }
    }

    private (AuditSnapshot Snapshot, string Context) LoadSnapshot()
    {
        if (InputFile is not null)
        {
            var paths = InputFile.Select(GetUnresolvedProviderPathFromPSPath).ToList();
            try
            {
                var loaded = AuditManifestLoader.LoadFiles(paths);
                return (loaded, Context ?? "file:" + string.Join(",", paths.Select(Path.GetFileName)));
            }
            catch (RbacManifestException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, CommandId + "InputFileInvalid", ErrorCategory.InvalidData, InputFile));
                throw; // not reached
            }
        }

        var onPage = ListProgressReporter(ReadActivity);
        AuditSnapshot snapshot;
        try
        {
            var reader = new AuditSnapshotReader(KubeConnection.Api);
            snapshot = Await(ct => reader.ReadAsync(onPage, ct), "cluster");
        }
        finally
        {
            CompleteProgress(ReadActivity);
        }
        WriteVerbose($"Read {snapshot.Namespaces.Count} namespaces, {snapshot.ServiceAccountCount} ServiceAccounts, {snapshot.PodCount} pods, " +
                     $"{(snapshot.SecretsRead ? snapshot.SecretCount + " Secrets" : "no Secrets (forbidden)")}, {snapshot.Rbac.RoleBindingCount} RoleBindings, " +
                     $"{snapshot.Rbac.ClusterRoleBindingCount} ClusterRoleBindings.");
        return (snapshot, ContextName);
    }

    /// <summary>The namespaces findings are kept for: null for all (-AllNamespaces, or -InputFile without -Namespace).
    /// -Namespace is resolved against the namespaces the snapshot holds, by the one resolver every cmdlet uses
    /// (K8sCmdletBase.Names), so a missing or invalid name is reported as everywhere else.</summary>
    private Func<string, bool>? NamespaceFilter(AuditSnapshot snapshot, IReadOnlyCollection<string>? namespaces)
    {
        if (AllNamespaces.IsPresent || (namespaces is null && InputFile is not null)) return null;
        var selection = SelectNamespaces(namespaces, snapshot.Namespaces, InputFile is null ? KubeConnection.Namespace : null);
        var targets = selection.Targets.ToHashSet(StringComparer.Ordinal);
        return targets.Contains;
    }

    /// <summary>Reads the baseline with PowerShell's own readers (Import-Csv, ConvertFrom-Json), so any file
    /// Export-Csv or ConvertTo-Json wrote reads back as it was written.</summary>
    private List<BaselineComparer.BaselineRow> ReadBaseline(string path)
    {
        if (!File.Exists(path))
        {
            ThrowTerminatingError(new ErrorRecord(new FileNotFoundException($"The baseline file '{path}' does not exist.", path),
                CommandId + "BaselineNotFound", ErrorCategory.ObjectNotFound, path));
        }
        var text = File.ReadAllText(path).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var json = text.StartsWith('[') || text.StartsWith('{');
        System.Collections.ObjectModel.Collection<PSObject> rows;
        try
        {
            rows = json
                ? InvokeCommand.InvokeScript("param($p) Get-Content -LiteralPath $p -Raw | ConvertFrom-Json | ForEach-Object { $_ }", true, PipelineResultTypes.None, null, path)
                : InvokeCommand.InvokeScript("param($p) Import-Csv -LiteralPath $p", true, PipelineResultTypes.None, null, path);
        }
        catch (RuntimeException e)
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidDataException($"The baseline '{path}' cannot be read as {(json ? "JSON" : "CSV")}: {e.Message}", e),
                CommandId + "BaselineInvalid", ErrorCategory.InvalidData, path));
            throw; // not reached
        }

        var result = new List<BaselineComparer.BaselineRow>();
        foreach (var row in rows)
        {
            if (FindingRow.From(row) is not { } finding)
            {
                ThrowTerminatingError(new ErrorRecord(new InvalidDataException($"The baseline '{path}' is not the output of Invoke-K8sServiceAccountAudit: a row has no CheckId, Kind or Name."),
                    CommandId + "BaselineInvalid", ErrorCategory.InvalidData, path));
                continue; // not reached
            }
            result.Add(new BaselineComparer.BaselineRow(finding.Finding, finding.Change));
        }
        WriteVerbose($"Baseline: {result.Count} finding(s) from {path}.");
        return result;
    }
}
