using k8s.Models;
using SaTools.Engine.Api;

namespace SaTools.Engine.Audit;

/// <summary>
/// What the audit reads of a ServiceAccount (<see cref="KubeApi"/> parses only these fields, see
/// <see cref="ListFields"/>): its name and namespace; its uid, which <see cref="LegacyTokens.LegacyTokenClassifier"/>
/// compares with a legacy token's kubernetes.io/service-account.uid annotation (SA07); and
/// automountServiceAccountToken (SA01, and the usage join behind SA02). Not <c>secrets</c>: the classifier reads
/// it to tell who invalidated a token, which SA07 does not report. managedFields, annotations, labels, secrets and
/// imagePullSecrets are skipped unbuilt: on a real cluster managedFields are most of a ServiceAccount, since every
/// write records which manager owns which field (kubernetes.io/docs/reference/using-api/server-side-apply, "Field
/// management"). AuditSnapshotReaderTests audits the sandbox both ways, trimmed and whole, and compares.
/// </summary>
internal static class AuditServiceAccountFields
{
    public static readonly ListFields Fields = new(new Dictionary<Type, string[]>
    {
        [typeof(V1ServiceAccount)] = ["metadata", "automountServiceAccountToken"],
        [typeof(V1ObjectMeta)] = ["name", "namespace", "uid"],
    });
}
