namespace SaTools.Completion;

/// <summary>
/// Completes -Resource with the built-in resources RBAC rules most often name, in the spelling -Resource takes:
/// core resources bare (<c>pods</c>), others as kubectl writes them (<c>deployments.apps</c>), subresources after a
/// slash (<c>pods/exec</c>). Names from the Kubernetes v1.32 API (api/openapi-spec); custom resources are typed.
/// </summary>
internal sealed class ResourceCompleter : FixedValuesCompleter
{
    internal static readonly string[] Resources =
    [
        // core
        "pods", "pods/exec", "pods/attach", "pods/portforward", "pods/log", "pods/proxy", "pods/ephemeralcontainers", "pods/eviction",
        "services", "services/proxy", "endpoints", "configmaps", "secrets", "serviceaccounts", "serviceaccounts/token",
        "persistentvolumeclaims", "persistentvolumes", "namespaces", "nodes", "nodes/proxy", "events", "limitranges",
        "resourcequotas", "replicationcontrollers",
        // apps, batch, autoscaling, policy, networking
        "deployments.apps", "deployments.apps/scale", "replicasets.apps", "statefulsets.apps", "daemonsets.apps",
        "jobs.batch", "cronjobs.batch", "horizontalpodautoscalers.autoscaling", "poddisruptionbudgets.policy",
        "ingresses.networking.k8s.io", "networkpolicies.networking.k8s.io",
        // RBAC and authentication/authorization
        "roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io", "clusterroles.rbac.authorization.k8s.io",
        "clusterrolebindings.rbac.authorization.k8s.io", "tokenreviews.authentication.k8s.io",
        "subjectaccessreviews.authorization.k8s.io", "selfsubjectaccessreviews.authorization.k8s.io",
        "certificatesigningrequests.certificates.k8s.io", "certificatesigningrequests.certificates.k8s.io/approval",
        // cluster extension points
        "customresourcedefinitions.apiextensions.k8s.io", "mutatingwebhookconfigurations.admissionregistration.k8s.io",
        "validatingwebhookconfigurations.admissionregistration.k8s.io", "storageclasses.storage.k8s.io",
        "priorityclasses.scheduling.k8s.io", "leases.coordination.k8s.io", "*",
    ];

    protected override IReadOnlyList<string> Values => Resources;
}
