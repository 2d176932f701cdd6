using System.Management.Automation;
using SaTools.Completion;
using SaTools.Engine.Api;
using SaTools.Engine.Rbac;
using SaTools.Engine.Usage;
using SaTools.Output;

namespace SaTools.Commands;

/// <summary>
/// Joins pods to the ServiceAccounts they run as: per pod, its controller (Deployment through its ReplicaSet,
/// StatefulSet, DaemonSet, Job, CronJob through its Job), its ServiceAccount and whether it carries a token; with
/// -Summary, one row per ServiceAccount with Unused for those no pod runs as.
/// </summary>
[Cmdlet(VerbsCommon.Get, "K8sServiceAccountUsage", DefaultParameterSetName = ParameterSetInNamespaces)]
[OutputType(typeof(ServiceAccountPodUsage), typeof(ServiceAccountUsageSummary))]
public sealed class GetK8sServiceAccountUsageCommand : K8sCmdletBase
{
    private const string ProgressActivity = "Reading pods and ServiceAccounts";

    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private bool _inferenceNoted;
    private bool _jobsNoted;
    private UsageService? _service;
    private KubeApi? _serviceApi;
    private EffectivePermissionEvaluator? _evaluator;
    private readonly Dictionary<ServiceAccountRef, ServiceAccountPermissionSummary> _permissions = new();

    /// <summary>Namespaces to look in (wildcards allowed). Default: the connection's namespace.</summary>
    [Parameter(ParameterSetName = ParameterSetInNamespaces, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Namespace { get; set; }

    /// <summary>Every namespace: one list of pods and one of ServiceAccounts in all.</summary>
    [Parameter(ParameterSetName = ParameterSetAllNamespaces, Mandatory = true)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>One row per ServiceAccount instead of one per pod.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>Add each ServiceAccount's RiskLevel and Risks from its RBAC grants, as Get-K8sEffectivePermission
    /// -Summary rates them (the RBAC objects are read once: four cluster-wide lists).</summary>
    [Parameter]
    public SwitchParameter IncludePermission { get; set; }

    protected override void ProcessRecord()
    {
        // One service per connection for the run: it remembers an API group the server does not serve across
        // namespaces.
        if (_service is null || !ReferenceEquals(_serviceApi, KubeConnection.Api))
        {
            _serviceApi = KubeConnection.Api;
            _service = new UsageService(_serviceApi);
        }
        var service = _service;
        IReadOnlyList<string?> scopes = AllNamespaces.IsPresent ? new string?[] { null } : ResolveNamespaces(Namespace).Select(n => (string?)n).ToList();
        var onPage = ListProgressReporter(ProgressActivity);
        try
        {
            for (var i = 0; i < scopes.Count; i++)
            {
                ReadNamespace(service, scopes[i], i, scopes.Count, onPage);
            }
        }
        finally
        {
            CompleteProgress(ProgressActivity);
        }
    }

    private void ReadNamespace(UsageService service, string? ns, int index, int count, Action<ListProgress> onPage)
    {
        if (!_done.Add(ns ?? "*")) return;
        WriteProgress(new ProgressRecord(1, ProgressActivity, ns is null ? "All namespaces" : $"Namespace '{ns}' ({index + 1} of {count})")
        {
            PercentComplete = index * 100 / count,
        });
        var report = TryAwait(ct => service.ReadAsync(ns, resolveOwners: !Summary.IsPresent, ct, onPage), ns ?? "*", out var ok);
        if (!ok || report is null) return;
        // Nothing at all in a namespace taken on trust (not even its default ServiceAccount): it may not exist.
        if (ns is not null && report.Pods.Count == 0 && report.ServiceAccounts.Count == 0 && !ConfirmNamespace(ns)) return;
        if (report.DeploymentsInferred && !_inferenceNoted)
        {
            _inferenceNoted = true;
            WriteVerbose($"ReplicaSets could not be read in {Scope(ns)} (apps/v1 not served or not allowed): Deployments were inferred from the ReplicaSet names and the pods' pod-template-hash label.");
        }
        if (report.JobOwnersUnknown && !_jobsNoted)
        {
            _jobsNoted = true;
            WriteVerbose($"Jobs could not be read in {Scope(ns)} (batch/v1 not served or not allowed): pods of Jobs show the Job, not the CronJob that made it.");
        }
        if (report.ReplicaSetsRead is not null || report.JobsRead is not null)
        {
            WriteVerbose($"Owners in {Scope(ns)} resolved through {report.ReplicaSetsRead ?? 0} ReplicaSet(s) and {report.JobsRead ?? 0} Job(s).");
        }
        if (Summary.IsPresent)
        {
            foreach (var s in report.ServiceAccounts)
            {
                var row = new ServiceAccountUsageSummary(ContextName, s.Namespace, s.ServiceAccount, s.Exists, s.AutomountServiceAccount,
                    s.Pods, s.PodsWithToken, new StringList(s.PodNames), s.Unused);
                if (Permission(s.Namespace, s.ServiceAccount) is { } permission)
                {
                    row.RiskLevel = permission.RiskLevel.ToString();
                    row.Risks = RiskNames.Of(permission.Flags, null);
                }
                WriteObject(row);
            }
            return;
        }
        foreach (var p in report.Pods)
        {
            var row = new ServiceAccountPodUsage(ContextName, p.Namespace, p.Pod, p.OwnerKind, p.OwnerName, p.ServiceAccount,
                p.ServiceAccountExists, p.UsesDefault, p.AutomountPod, p.AutomountServiceAccount, p.DeclaresTokenVolume, p.TokenMounted, p.Phase);
            if (Permission(p.Namespace, p.ServiceAccount) is { } permission)
            {
                row.RiskLevel = permission.RiskLevel.ToString();
                row.Risks = RiskNames.Of(permission.Flags, null);
            }
            WriteObject(row);
        }
    }

    private static string Scope(string? ns) => ns is null ? "all namespaces" : $"namespace '{ns}'";

    /// <summary>The ServiceAccount's permission summary with -IncludePermission (RBAC read on first use), else null.</summary>
    private ServiceAccountPermissionSummary? Permission(string ns, string name)
    {
        if (!IncludePermission.IsPresent) return null;
        if (_evaluator is null)
        {
            var reader = new RbacSnapshotReader(KubeConnection.Api);
            var snapshot = Await(ct => reader.ReadAsync(includeServiceAccounts: false, null, ct), "rbac.authorization.k8s.io");
            _evaluator = new EffectivePermissionEvaluator(new RbacIndex(snapshot));
        }
        var key = new ServiceAccountRef(ns, name);
        if (!_permissions.TryGetValue(key, out var summary))
        {
            summary = _evaluator.Summarize(key);
            _permissions[key] = summary;
        }
        return summary;
    }
}
