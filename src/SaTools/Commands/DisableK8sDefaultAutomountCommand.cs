using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Api;
using SaTools.Engine.Automount;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// Sets <c>automountServiceAccountToken: false</c> on the <c>default</c> ServiceAccount of each namespace chosen,
/// with a merge patch of that field only, never writing one already at false, and reports which running pods
/// lose their token at their next restart.
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "K8sDefaultAutomount", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = ParameterSetInNamespaces)]
[OutputType(typeof(AutomountResult))]
public sealed class DisableK8sDefaultAutomountCommand : AutomountCmdletBase
{
    public const string ParameterSetInNamespaces = "InNamespaces";
    public const string ParameterSetAllNamespaces = "AllNamespaces";

    private readonly List<string> _namespaces = new();

    /// <summary>Namespaces (wildcards allowed). Binds from the pipeline: strings, objects with a Namespace property
    /// such as Get-K8sServiceAccount's, or namespace objects with a Name (a Namespace property wins over Name);
    /// each namespace is handled once however often it arrives.</summary>
    [Parameter(ParameterSetName = ParameterSetInNamespaces, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Namespace { get; set; }

    /// <summary>Every namespace.</summary>
    [Parameter(ParameterSetName = ParameterSetAllNamespaces, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>Namespaces to leave alone (wildcards allowed), such as kube-system.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? ExcludeNamespace { get; set; }

    protected override void ProcessRecord()
    {
        if (Namespace is not null) _namespaces.AddRange(Namespace);
    }

    protected override void EndProcessing()
    {
        RefuseInvalidPatterns(_namespaces.Concat(ExcludeNamespace ?? []));
        var service = NewService();
        ReportReading("Reading default ServiceAccounts and pods");
        AutomountPlan plan;
        try
        {
            plan = Await(ct => service.PlanDefaultAsync(_namespaces, AllNamespaces.IsPresent, ExcludeNamespace, ThrottleLimit, ct),
                target: AllNamespaces.IsPresent ? "*" : string.Join(",", _namespaces));
        }
        finally
        {
            CompleteReading();
        }

        WriteVerbose(plan.ReadClusterWide
            ? $"Read the default ServiceAccounts and their pods of {plan.Candidates.Count} namespace(s) with one cluster-wide list each."
            : $"Read the default ServiceAccount and its pods namespace by namespace ({plan.Candidates.Count} namespace(s)).");
        foreach (var ns in plan.Selection.Excluded)
        {
            WriteVerbose($"Namespace '{ns}' excluded by -ExcludeNamespace.");
        }
        foreach (var pattern in plan.Selection.UnmatchedPatterns)
        {
            WriteNamespaceNotFound(pattern);
        }
        var missing = plan.Selection.Missing.Select(ns => new AutomountCandidate
        {
            Namespace = ns,
            ServiceAccount = "default",
            Desired = false,
            ReadError = new KubeApiException(KubeErrorKind.NotFound, $"The namespace '{ns}' does not exist."),
            ImpactKnown = false,
        });
        Execute(missing.Concat(plan.Candidates).ToList(), service);
    }

    /// <summary>A malformed wildcard ("a[]") is a parameter error before any request, not an exception later.</summary>
    private void RefuseInvalidPatterns(IEnumerable<string> patterns)
    {
        foreach (var pattern in patterns)
        {
            try
            {
                _ = new NamePattern(pattern.Trim());
            }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(new ErrorRecord(e, CommandId + "InvalidPattern", ErrorCategory.InvalidArgument, pattern));
            }
        }
    }
}
