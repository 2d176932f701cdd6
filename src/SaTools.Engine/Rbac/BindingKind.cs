namespace SaTools.Engine.Rbac;

/// <summary>Whether a grant comes from a ClusterRoleBinding (everywhere) or a RoleBinding (its namespace).</summary>
public enum BindingKind
{
    ClusterRoleBinding,
    RoleBinding,
}
