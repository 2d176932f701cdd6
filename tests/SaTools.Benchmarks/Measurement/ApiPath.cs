namespace SaTools.Benchmarks.Measurement;

/// <summary>
/// What a request path names, in the layout of k8s.io/apiserver pkg/endpoints/request/requestinfo.go:
/// <c>/api/v1/[namespaces/{ns}/]{resource}[/{name}[/{subresource}]]</c> and the same under
/// <c>/apis/{group}/{version}</c>; anything else is a non-resource path (<c>/version</c>, discovery).
/// </summary>
public static class ApiPath
{
    /// <summary><c>serviceaccounts</c>, <c>serviceaccounts/token</c>, or the path itself for a non-resource request.</summary>
    public static string Resource(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int skip = segments switch
        {
            ["api", _, ..] => 2,
            ["apis", _, _, ..] => 3,
            _ => -1,
        };
        if (skip < 0 || segments.Length <= skip) return path;
        var rest = segments[skip..];
        if (rest[0] == "namespaces" && rest.Length >= 3)
        {
            return rest.Length >= 5 ? rest[2] + "/" + rest[4] : rest[2];
        }
        return rest.Length >= 3 ? rest[0] + "/" + rest[2] : rest[0];
    }

    /// <summary>True for a request that names no single object (a list): the page requests.</summary>
    public static bool IsCollection(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int skip = segments switch
        {
            ["api", _, ..] => 2,
            ["apis", _, _, ..] => 3,
            _ => -1,
        };
        if (skip < 0) return false;
        var rest = segments.Length - skip;
        var namespaced = segments.Length > skip && segments[skip] == "namespaces" && rest >= 3;
        return namespaced ? rest == 3 : rest == 1;
    }

    /// <summary>True for discovery and version requests (<c>/version</c>, <c>/api</c>, <c>/api/v1</c>, <c>/apis</c>,
    /// <c>/apis/{group}/{version}</c>, <c>/openapi/...</c>): what kubectl reads before it can map a resource.</summary>
    public static bool IsDiscovery(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments switch
        {
            ["version"] or ["api"] or ["api", _] or ["apis"] or ["apis", _] or ["apis", _, _] => true,
            ["openapi", ..] => true,
            _ => false,
        };
    }
}
