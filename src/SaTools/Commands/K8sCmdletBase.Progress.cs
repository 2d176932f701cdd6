using System.Management.Automation;
using SaTools.Engine.Api;

namespace SaTools.Commands;

/// <summary>Write-Progress for every SaTools cmdlet: the engine's page callbacks, queued from pool threads and
/// shown from the pipeline thread (the only thread that may write).</summary>
public abstract partial class K8sCmdletBase
{
    /// <summary>A page callback for the engine's lists that shows Write-Progress (activity id 1) from the pipeline thread.</summary>
    protected Action<ListProgress> ListProgressReporter(string activity) => progress => _pipelineThreadWork.Enqueue(() =>
    {
        var status = progress.RemainingItemCount is { } remaining
            ? $"{progress.ItemsSoFar} of about {progress.ItemsSoFar + remaining} {progress.Resource} (page {progress.Page})"
            : $"{progress.ItemsSoFar} {progress.Resource} (page {progress.Page})";
        var record = new ProgressRecord(1, activity, status);
        if (progress.RemainingItemCount is { } left && progress.ItemsSoFar + left > 0)
        {
            record.PercentComplete = (int)Math.Min(100, progress.ItemsSoFar * 100 / (progress.ItemsSoFar + left));
        }
        WriteProgress(record);
    });

    /// <summary>Closes the progress bar opened by <see cref="ListProgressReporter"/>.</summary>
    protected void CompleteProgress(string activity) =>
        WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
}
