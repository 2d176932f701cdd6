namespace SaTools.Output;

/// <summary>One pod and the ServiceAccount it runs as (Get-K8sServiceAccountUsage).</summary>
public sealed class ServiceAccountPodUsage
{
    internal ServiceAccountPodUsage(string context, string @namespace, string pod, string? ownerKind, string? ownerName,
        string serviceAccount, bool serviceAccountExists, bool usesDefault, bool? automountPod, bool? automountServiceAccount,
        bool declaresTokenVolume, bool tokenMounted, string? phase)
    {
        Context = context;
        Namespace = @namespace;
        Pod = pod;
        OwnerKind = ownerKind;
        OwnerName = ownerName;
        Owner = ownerKind is null ? null : $"{ownerKind}/{ownerName}";
        ServiceAccount = serviceAccount;
        ServiceAccountExists = serviceAccountExists;
        UsesDefault = usesDefault;
        AutomountPod = automountPod;
        AutomountServiceAccount = automountServiceAccount;
        DeclaresTokenVolume = declaresTokenVolume;
        TokenMounted = tokenMounted;
        Phase = phase;
    }

    public string Context { get; }
    public string Namespace { get; }
    public string Pod { get; }

    /// <summary>"Deployment/web", "StatefulSet/db", "CronJob/nightly"...; empty for a bare pod.</summary>
    public string? Owner { get; }
    public string? OwnerKind { get; }
    public string? OwnerName { get; }

    public string ServiceAccount { get; }
    public bool ServiceAccountExists { get; }

    /// <summary>True when the pod runs as its namespace's default ServiceAccount.</summary>
    public bool UsesDefault { get; }

    /// <summary>The pod's automountServiceAccountToken; empty when not set.</summary>
    public bool? AutomountPod { get; }

    /// <summary>The ServiceAccount's automountServiceAccountToken; empty when not set.</summary>
    public bool? AutomountServiceAccount { get; }

    /// <summary>True when the pod declares a projected serviceAccountToken volume itself.</summary>
    public bool DeclaresTokenVolume { get; }

    /// <summary>Whether the pod carries a token: the pod field, else the ServiceAccount field, else true; true
    /// whenever a projected serviceAccountToken volume is declared.</summary>
    public bool TokenMounted { get; }

    public string? Phase { get; }

    /// <summary>With -IncludePermission: the ServiceAccount's risk level from its RBAC grants (Critical, High, Medium,
    /// Low, None), as Get-K8sEffectivePermission -Summary rates it; empty otherwise.</summary>
    public string? RiskLevel { get; internal set; }

    /// <summary>With -IncludePermission: the ServiceAccount's risk flags by name (ReadSecrets, CreateWorkloads,
    /// ExecIntoPods, ...), as Get-K8sEffectivePermission -Summary reports them; empty otherwise.</summary>
    public StringList Risks { get; internal set; } = new StringList(Array.Empty<string>());

    public override string ToString() => $"{Namespace}/{Pod}: {ServiceAccount}";
}
