namespace SaTools.Engine.Rbac;

/// <summary>A binding as the index keeps it: what it is, which role it references and that role's rules.</summary>
internal sealed class RbacBinding
{
    public RbacBinding(BindingKind kind, string name, string? ns, string roleKind, string roleName, ResolvedRole? role)
    {
        Kind = kind;
        Name = name;
        Namespace = ns;
        RoleKind = roleKind;
        RoleName = roleName;
        Role = role;
    }

    public BindingKind Kind { get; }
    public string Name { get; }

    /// <summary>The RoleBinding's namespace; null for a ClusterRoleBinding.</summary>
    public string? Namespace { get; }

    public string RoleKind { get; }
    public string RoleName { get; }

    /// <summary>The referenced role; null when it does not exist (reported as a missing role).</summary>
    public ResolvedRole? Role { get; }

    /// <summary>Where the binding's grants apply: its namespace, or null for everywhere (cluster scope).</summary>
    public string? ScopeNamespace => Kind == BindingKind.RoleBinding ? Namespace : null;
}

/// <summary>A binding that names a subject, and how (the ServiceAccount itself, its user name, or a group).</summary>
internal readonly record struct SubjectBinding(RbacBinding Binding, string GrantedVia);
