namespace SaTools.Output;

/// <summary>One ServiceAccount with the pods that use it (Get-K8sServiceAccountUsage -Summary).</summary>
public sealed class ServiceAccountUsageSummary
{
    internal ServiceAccountUsageSummary(string context, string @namespace, string serviceAccount, bool exists,
        bool? automountServiceAccount, int pods, int podsWithToken, StringList podNames, bool unused)
    {
        Context = context;
        Namespace = @namespace;
        ServiceAccount = serviceAccount;
        Exists = exists;
        AutomountServiceAccount = automountServiceAccount;
        Pods = pods;
        PodsWithToken = podsWithToken;
        PodNames = podNames;
        Unused = unused;
    }

    public string Context { get; }
    public string Namespace { get; }
    public string ServiceAccount { get; }

    /// <summary>False for a ServiceAccount that pods name but that does not exist.</summary>
    public bool Exists { get; }

    public bool? AutomountServiceAccount { get; }

    /// <summary>Pods that run as this ServiceAccount.</summary>
    public int Pods { get; }

    /// <summary>Of those, the pods that carry a token.</summary>
    public int PodsWithToken { get; }

    public StringList PodNames { get; }

    /// <summary>True when no pod uses the ServiceAccount (never for a namespace's default).</summary>
    public bool Unused { get; }

    /// <summary>With -IncludePermission: the ServiceAccount's risk level from its RBAC grants (Critical, High, Medium,
    /// Low, None), as Get-K8sEffectivePermission -Summary rates it; empty otherwise.</summary>
    public string? RiskLevel { get; internal set; }

    /// <summary>With -IncludePermission: the ServiceAccount's risk flags by name (ReadSecrets, CreateWorkloads,
    /// ExecIntoPods, ...), as Get-K8sEffectivePermission -Summary reports them; empty otherwise.</summary>
    public StringList Risks { get; internal set; } = new StringList(Array.Empty<string>());

    public override string ToString() => $"{Namespace}/{ServiceAccount}: {Pods} pod(s)";
}
