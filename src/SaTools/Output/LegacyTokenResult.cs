namespace SaTools.Output;

/// <summary>What Disable-K8sLegacyToken or Remove-K8sLegacyToken did to one Secret.</summary>
public sealed class LegacyTokenResult
{
    internal LegacyTokenResult(string context, string @namespace, string name, string serviceAccount, string action,
        StringList mountedBy, string? error)
    {
        Context = context;
        Namespace = @namespace;
        Name = name;
        ServiceAccount = serviceAccount;
        Action = action;
        MountedBy = mountedBy;
        Error = error;
    }

    public string Context { get; }
    public string Namespace { get; }
    public string Name { get; }
    public string ServiceAccount { get; }

    /// <summary>Invalidated, AlreadyInvalidated, Removed, WouldInvalidate, WouldRemove, Refused, Skipped or Failed.</summary>
    public string Action { get; }

    /// <summary>The pods that mounted the Secret when it was checked.</summary>
    public StringList MountedBy { get; }

    public string? Error { get; }

    public override string ToString() => $"{Namespace}/{Name}: {Action}";
}
