namespace SaTools.Engine.Audit;

/// <summary>
/// What makes two findings of two runs "the same finding": the check and the object (kind, namespace, name) and
/// the ServiceAccount involved. Severity, Message and Remediation are evidence that may change while the finding
/// stays (a legacy token going from unused to in use is the same finding, now High). Compared ordinally, as
/// Kubernetes names are case-sensitive.
/// </summary>
public readonly record struct FindingKey(string CheckId, string Kind, string Namespace, string Name, string ServiceAccount)
{
    public static FindingKey Of(string? checkId, string? kind, string? ns, string? name, string? serviceAccount) =>
        new(checkId?.Trim() ?? string.Empty, kind ?? string.Empty, ns ?? string.Empty, name ?? string.Empty, serviceAccount ?? string.Empty);

    public override string ToString() =>
        $"{CheckId} {Kind} {(Namespace.Length == 0 ? Name : Namespace + "/" + Name)}{(ServiceAccount.Length == 0 ? "" : " (" + ServiceAccount + ")")}";
}
