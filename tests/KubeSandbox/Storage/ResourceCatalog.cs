namespace KubeSandbox.Storage;

/// <summary>How a resource's object names are validated (k8s.io/apimachinery pkg/api/validation/generic.go).</summary>
public enum NameRule
{
    /// <summary>DNS-1123 label: namespaces (pkg/apis/core/validation ValidateNamespaceName).</summary>
    Label,
    /// <summary>DNS-1123 subdomain: most core objects (NameIsDNSSubdomain).</summary>
    Subdomain,
    /// <summary>Any path segment: RBAC objects (ValidateRBACName = path.IsValidPathSegmentName).</summary>
    PathSegment,
}

/// <summary>One stored resource type the sandbox serves.</summary>
public sealed record ResourceType(
    string Plural,
    string Singular,
    string Kind,
    string Group,
    string Version,
    bool Namespaced,
    NameRule NameRule,
    bool ReturnsDeletedObject,
    bool AllowCreateOnUpdate,
    IReadOnlyList<string> ExtraFieldSelectors)
{
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;
    public string ListKind => Kind + "List";
    /// <summary>"roles.rbac.authorization.k8s.io" or "serviceaccounts": schema.GroupResource.String().</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : Plural + "." + Group;
    /// <summary>"Role.rbac.authorization.k8s.io" or "ServiceAccount": schema.GroupKind.String(), used in Invalid errors.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : Kind + "." + Group;
    /// <summary>The internal API group name in conversion errors ("core", "rbac").</summary>
    public string InternalGroup => Group.Length == 0 ? "core" : Group.Split('.')[0];
}

/// <summary>The stored resources served, with the registry facts of kubernetes/kubernetes pkg/registry/*.</summary>
public static class ResourceCatalog
{
    private const string Rbac = "rbac.authorization.k8s.io";
    private const string Apps = "apps";
    private const string Batch = "batch";

    // ReturnDeletedObject: pkg/registry/core/serviceaccount/storage/storage.go sets it; pods return the object
    // because of graceful deletion (pkg/registry/core/pod/strategy.go); namespaces return the object in the
    // Terminating phase (pkg/registry/core/namespace/storage/storage.go). Secrets, ConfigMaps and RBAC objects
    // answer with a Status (recorded: trv-setup-delete-secret, rbac-role-delete).
    // AllowCreateOnUpdate: true for the RBAC strategies (pkg/registry/rbac/*/strategy.go), false for core kinds.
    // Extra field selectors: pkg/registry/core/secret/strategy.go (type), pkg/registry/core/pod/strategy.go.
    // Workloads (apps/v1, batch/v1): none of pkg/registry/apps/{deployment,replicaset,statefulset,daemonset}/storage
    // nor pkg/registry/batch/{job,cronjob}/storage sets ReturnDeletedObject, so a delete answers with a Status; their
    // strategies do not allow create on update; names are DNS-1123 subdomains (ValidateObjectMeta with
    // apimachineryvalidation.NameIsDNSSubdomain in pkg/apis/{apps,batch}/validation). Jobs add status.successful
    // (JobToSelectableFields, pkg/registry/batch/job/strategy.go, converted by pkg/apis/batch/v1/conversion.go);
    // apps/v1 registers no field label conversion for these kinds, so only metadata.name/namespace are accepted.
    public static readonly IReadOnlyList<ResourceType> All = new[]
    {
        new ResourceType("namespaces", "namespace", "Namespace", "", "v1", false, NameRule.Label, true, false, new[] { "status.phase" }),
        new ResourceType("serviceaccounts", "serviceaccount", "ServiceAccount", "", "v1", true, NameRule.Subdomain, true, false, Array.Empty<string>()),
        new ResourceType("pods", "pod", "Pod", "", "v1", true, NameRule.Subdomain, true, false,
            new[] { "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName" }),
        // Nodes: pkg/registry/core/node/strategy.go (cluster-scoped, DNS-1123 subdomain names, spec.unschedulable
        // selectable). Read-only in the sandbox (see ReadOnly): no kubelet registers or updates them.
        new ResourceType("nodes", "node", "Node", "", "v1", false, NameRule.Subdomain, false, false, new[] { "spec.unschedulable" }),
        new ResourceType("secrets", "secret", "Secret", "", "v1", true, NameRule.Subdomain, false, false, new[] { "type" }),
        new ResourceType("configmaps", "configmap", "ConfigMap", "", "v1", true, NameRule.Subdomain, false, false, Array.Empty<string>()),
        new ResourceType("deployments", "deployment", "Deployment", Apps, "v1", true, NameRule.Subdomain, false, false, Array.Empty<string>()),
        new ResourceType("replicasets", "replicaset", "ReplicaSet", Apps, "v1", true, NameRule.Subdomain, false, false, Array.Empty<string>()),
        new ResourceType("statefulsets", "statefulset", "StatefulSet", Apps, "v1", true, NameRule.Subdomain, false, false, Array.Empty<string>()),
        new ResourceType("daemonsets", "daemonset", "DaemonSet", Apps, "v1", true, NameRule.Subdomain, false, false, Array.Empty<string>()),
        new ResourceType("jobs", "job", "Job", Batch, "v1", true, NameRule.Subdomain, false, false, new[] { "status.successful" }),
        new ResourceType("cronjobs", "cronjob", "CronJob", Batch, "v1", true, NameRule.Subdomain, false, false, Array.Empty<string>()),
        new ResourceType("roles", "role", "Role", Rbac, "v1", true, NameRule.PathSegment, false, true, Array.Empty<string>()),
        new ResourceType("rolebindings", "rolebinding", "RoleBinding", Rbac, "v1", true, NameRule.PathSegment, false, true, Array.Empty<string>()),
        new ResourceType("clusterroles", "clusterrole", "ClusterRole", Rbac, "v1", false, NameRule.PathSegment, false, true, Array.Empty<string>()),
        new ResourceType("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", Rbac, "v1", false, NameRule.PathSegment, false, true, Array.Empty<string>()),
    };

    /// <summary>Resources the sandbox serves for reading only: the scenarios write them, the API answers writes
    /// with 405 MethodNotAllowed, as a registry without Creater/Updater/Deleter does. Nodes belong to kubelets
    /// (and RBAC gives them to system:node), so the sandbox does not let a client change what its pods run on.</summary>
    public static bool ReadOnly(string plural) => plural == "nodes";

    private static readonly Dictionary<string, ResourceType> ByPlural = All.ToDictionary(r => r.Plural);

    public static ResourceType Get(string plural) =>
        ByPlural.TryGetValue(plural, out var t) ? t : throw new ArgumentException($"unknown resource {plural}", nameof(plural));

    public static ResourceType? Find(string group, string version, string plural) =>
        ByPlural.TryGetValue(plural, out var t) && t.Group == group && t.Version == version ? t : null;

    public static ResourceType? FindByKind(string kind) => All.FirstOrDefault(r => r.Kind == kind);
}
