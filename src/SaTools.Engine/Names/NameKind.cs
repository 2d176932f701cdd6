namespace SaTools.Engine.Names;

/// <summary>
/// What a name names, which decides the Kubernetes rule it must pass before it becomes part of a request path
/// (see <see cref="KubeNames"/>).
/// </summary>
public enum NameKind
{
    /// <summary>A namespace: a DNS-1123 label (ValidateNamespaceName in pkg/apis/core/validation).</summary>
    Namespace,
    /// <summary>A ServiceAccount: a DNS-1123 subdomain (ValidateServiceAccountName).</summary>
    ServiceAccount,
    /// <summary>A Secret: a DNS-1123 subdomain (ValidateSecretName).</summary>
    Secret,
    /// <summary>A Pod: a DNS-1123 subdomain (ValidatePodName).</summary>
    Pod,
    /// <summary>A Node: a DNS-1123 subdomain (ValidateNodeName).</summary>
    Node,
    /// <summary>A Deployment, ReplicaSet, StatefulSet, DaemonSet, Job or CronJob: a DNS-1123 subdomain.</summary>
    Workload,
    /// <summary>A Role, ClusterRole, RoleBinding or ClusterRoleBinding: a path segment name
    /// (ValidateRBACName = path.ValidatePathSegmentName in pkg/apis/rbac/validation), so <c>system:node</c> is valid.</summary>
    RbacObject,
}
