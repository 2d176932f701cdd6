using System.Management.Automation;
using SaTools.Completion;
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
        if (!AllNamespaces.IsPresent && _namespaces.Count == 0) return;
        // Invalid and missing names are reported here (InvalidNamespaceName, NamespaceNotFound), before any write.
        var selection = SelectNamespaces(AllNamespaces.IsPresent ? null : _namespaces, AllNamespaces.IsPresent, ExcludeNamespace, useConnectionNamespace: false);
        var service = NewService();
        ReportReading("Reading default ServiceAccounts and pods");
        AutomountPlan plan;
        try
        {
            plan = Await(ct => service.PlanDefaultAsync(selection, ThrottleLimit, ct),
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
        foreach (var ns in plan.Selection.Missing)
        {
            EmitFailed(ns, "default", false, $"The namespace '{ns}' does not exist.");
        }
        Execute(plan.Candidates, service);
    }
}
