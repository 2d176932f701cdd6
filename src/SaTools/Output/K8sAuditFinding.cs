namespace SaTools.Output;

/// <summary>
/// One failing object of one audit check (Invoke-K8sServiceAccountAudit). Flat and CSV-friendly; holds no secret
/// value. Binds by property name to Export-K8sAuditReport and, for SA02 (Kind Pod), to
/// Disable-K8sWorkloadAutomount through Namespace, Name, ServiceAccount, WorkloadKind and WorkloadName.
/// </summary>
public sealed class K8sAuditFinding
{
    internal K8sAuditFinding(Engine.Audit.AuditFinding finding, int evaluated, string context, string? change)
    {
        CheckId = finding.CheckId;
        Title = finding.Title;
        Severity = (K8sAuditSeverity)(int)finding.Severity;
        Kind = finding.Kind;
        Namespace = finding.Namespace;
        Name = finding.Name;
        ServiceAccount = finding.ServiceAccount;
        Message = finding.Message;
        Remediation = finding.Remediation;
        WorkloadKind = finding.WorkloadKind;
        WorkloadName = finding.WorkloadName;
        Evaluated = evaluated;
        Context = context;
        Change = change ?? string.Empty;
    }

    /// <summary>SA01 ... SA12.</summary>
    public string CheckId { get; }
    public string Title { get; }

    /// <summary>Info, Low, Medium, High or Critical: sorts and compares in that order (<c>Severity -ge 'High'</c>),
    /// written by name to CSV.</summary>
    public K8sAuditSeverity Severity { get; }

    /// <summary>The object that fails: Namespace, ServiceAccount, Pod, Secret, RoleBinding, ClusterRoleBinding.</summary>
    public string Kind { get; }

    /// <summary>Empty for cluster-scoped objects.</summary>
    public string Namespace { get; }
    public string Name { get; }

    /// <summary>The ServiceAccount involved; <c>ns/name</c> when it lives in another namespace than the object.</summary>
    public string ServiceAccount { get; }

    /// <summary>Why it fails, with the evidence (the binding, the rule, the pod).</summary>
    public string Message { get; }

    /// <summary>The SaTools or kubectl command that fixes it.</summary>
    public string Remediation { get; }

    /// <summary>For pod findings: the pod's top-level owner (Deployment, StatefulSet, DaemonSet, CronJob, Job...).</summary>
    public string WorkloadKind { get; }
    public string WorkloadName { get; }

    /// <summary>How many objects the check evaluated in this run (for the report's summary).</summary>
    public int Evaluated { get; }

    public string Context { get; }

    /// <summary>With -Baseline: New, Unchanged or Resolved; empty otherwise.</summary>
    public string Change { get; }

    public override string ToString() => $"{CheckId} {Kind} {(Namespace.Length == 0 ? Name : Namespace + "/" + Name)}";
}

/// <summary>How bad a finding is, in rising order.</summary>
public enum K8sAuditSeverity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}
