namespace SaTools.Engine.Rbac;

/// <summary>
/// One request as the RBAC authorizer sees it (the attributes of k8s.io/apiserver/pkg/authorization/authorizer):
/// either a resource request (verb, API group, resource, optional subresource and name, namespace or none for
/// cluster-scoped and all-namespace requests) or a non-resource request (verb and URL path).
/// </summary>
public sealed class RbacRequest
{
    private RbacRequest(string verb, string apiGroup, string resource, string subresource, string name, string? ns, string? path)
    {
        Verb = verb;
        ApiGroup = apiGroup;
        Resource = resource;
        Subresource = subresource;
        Name = name;
        Namespace = string.IsNullOrEmpty(ns) ? null : ns;
        Path = path;
    }

    public string Verb { get; }
    public string ApiGroup { get; }
    public string Resource { get; }
    public string Subresource { get; }
    public string Name { get; }

    /// <summary>The namespace of the request; null for cluster-scoped or all-namespace requests and for URLs.</summary>
    public string? Namespace { get; }

    /// <summary>The URL path of a non-resource request; null for resource requests.</summary>
    public string? Path { get; }

    public bool IsResourceRequest => Path is null;

    /// <summary><c>resource/subresource</c>, as plugin/pkg/auth/authorizer/rbac/rbac.go combines them.</summary>
    public string CombinedResource => Subresource.Length == 0 ? Resource : Resource + "/" + Subresource;

    /// <summary>
    /// A resource request. <paramref name="resource"/> may carry the subresource (<c>pods/exec</c>) and kubectl's
    /// group suffix (<c>deployments.apps</c>, <c>deployments.apps/scale</c>); an explicit
    /// <paramref name="apiGroup"/> wins over the suffix. No group means the core group <c>""</c>, as with
    /// <c>kubectl auth can-i</c>.
    /// </summary>
    public static RbacRequest ForResource(string verb, string resource, string? apiGroup = null, string? name = null, string? ns = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(verb);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        var (plain, group, subresource) = ParseResource(resource);
        return new RbacRequest(verb, apiGroup ?? group ?? string.Empty, plain, subresource, name ?? string.Empty, ns, null);
    }

    /// <summary>A resource request from parts already split (no kubectl spelling is parsed).</summary>
    public static RbacRequest ForResourceParts(string verb, string apiGroup, string resource, string? subresource, string? name, string? ns)
    {
        ArgumentException.ThrowIfNullOrEmpty(verb);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        return new RbacRequest(verb, apiGroup ?? string.Empty, resource, subresource ?? string.Empty, name ?? string.Empty, ns, null);
    }

    /// <summary>The same resource request in another namespace (null: cluster-scoped or all namespaces).</summary>
    public RbacRequest InNamespace(string? ns) =>
        IsResourceRequest ? new RbacRequest(Verb, ApiGroup, Resource, Subresource, Name, ns, null) : this;

    /// <summary>A non-resource request (<c>/healthz</c>, <c>/apis</c>...).</summary>
    public static RbacRequest ForNonResourceUrl(string verb, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(verb);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new RbacRequest(verb, string.Empty, string.Empty, string.Empty, string.Empty, null, path);
    }

    /// <summary>
    /// Splits kubectl's spelling <c>resource[.group][/subresource]</c>: the group is everything after the first dot
    /// of the part before the slash (<c>rolebindings.rbac.authorization.k8s.io</c>).
    /// </summary>
    public static (string Resource, string? ApiGroup, string Subresource) ParseResource(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/');
        var head = slash < 0 ? text : text[..slash];
        var subresource = slash < 0 ? string.Empty : text[(slash + 1)..];
        var dot = head.IndexOf('.');
        return dot < 0 ? (head, null, subresource) : (head[..dot], head[(dot + 1)..], subresource);
    }

    public override string ToString()
    {
        if (!IsResourceRequest)
        {
            return $"{Verb} {Path}";
        }

        var group = ApiGroup.Length == 0 ? string.Empty : "." + ApiGroup;
        var name = Name.Length == 0 ? string.Empty : "/" + Name;
        var scope = Namespace is null ? " (cluster)" : $" -n {Namespace}";
        return $"{Verb} {Resource}{group}{(Subresource.Length == 0 ? string.Empty : "/" + Subresource)}{name}{scope}";
    }
}
