using KubeSandbox.Api;

namespace KubeSandbox.OpenApi;

/// <summary>
/// <c>/openapi/v3</c> and <c>/openapi/v3/{api/v1 | apis/group/version}</c> as non-resource GETs (authorized as
/// such: system:discovery grants <c>/openapi/*</c>). The documents are JSON only; <c>/openapi/v2</c> is not served,
/// since kubectl asks for it in protobuf only and falls back to v3.
/// </summary>
public sealed class OpenApiEndpoints(string path, OpenApiDocuments documents) : INonResourceHandler
{
    /// <summary>The group versions published (the embedded documents'), as paths.</summary>
    public static readonly IReadOnlyList<string> Paths = new[]
    {
        OpenApiDocuments.IndexPath,
        OpenApiDocuments.IndexPath + "/api/v1",
        OpenApiDocuments.IndexPath + "/apis/rbac.authorization.k8s.io/v1",
        OpenApiDocuments.IndexPath + "/apis/authentication.k8s.io/v1",
        OpenApiDocuments.IndexPath + "/apis/authorization.k8s.io/v1",
        OpenApiDocuments.IndexPath + "/apis/apps/v1",
        OpenApiDocuments.IndexPath + "/apis/batch/v1",
    };

    /// <summary>Subresources of stored resources the sandbox serves (besides the create-only ones).</summary>
    public static readonly IReadOnlySet<string> ServedSubresources = new HashSet<string>(StringComparer.Ordinal) { "pods/log" };

    public string Path => path;

    public NonResourceResponse Handle(RequestContext context, string? accept)
    {
        if (path == OpenApiDocuments.IndexPath)
            return new NonResourceResponse(200, "application/json", documents.Index());
        var doc = documents.Document(path[(OpenApiDocuments.IndexPath.Length + 1)..]);
        return doc is null
            ? new NonResourceResponse(404, "text/plain; charset=utf-8", "404 page not found\n"u8.ToArray())
            : new NonResourceResponse(200, "application/json", doc);
    }
}
