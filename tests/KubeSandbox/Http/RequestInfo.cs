namespace KubeSandbox.Http;

/// <summary>
/// What a request addresses, parsed exactly as k8s.io/apiserver pkg/endpoints/request/requestinfo.go
/// (RequestInfoFactory.NewRequestInfo) parses it: resource requests under /api and /apis with at least
/// {prefix}/[group/]version/resource, everything else a non-resource request named by its path.
/// </summary>
public sealed record RequestInfo(
    bool IsResourceRequest,
    string Path,
    string Verb,
    string ApiPrefix = "",
    string ApiGroup = "",
    string ApiVersion = "",
    string Namespace = "",
    string Resource = "",
    string Subresource = "",
    string Name = "",
    IReadOnlyList<string>? Parts = null)
{
    private static readonly HashSet<string> NamespaceSubresources = new() { "status", "finalize" };

    public static RequestInfo Parse(string method, string path, IReadOnlyDictionary<string, string> query)
    {
        var verb = method.ToUpperInvariant() switch
        {
            "POST" => "create",
            "GET" or "HEAD" => "get",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => method.ToLowerInvariant(),
        };
        // Non-resource requests carry the lower-cased HTTP method as their verb.
        var nonResource = new RequestInfo(false, path, method.ToLowerInvariant());
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (parts.Count < 3) return nonResource;
        if (parts[0] is not ("api" or "apis")) return nonResource;
        var prefix = parts[0];
        parts.RemoveAt(0);
        var group = "";
        if (prefix == "apis")
        {
            if (parts.Count < 3) return nonResource;
            group = parts[0];
            parts.RemoveAt(0);
        }
        var version = parts[0];
        parts.RemoveAt(0);
        if (parts.Count > 0 && parts[0] == "watch")
        {
            verb = "watch";
            parts.RemoveAt(0);
        }
        var ns = "";
        if (parts.Count > 0 && parts[0] == "namespaces")
        {
            if (parts.Count > 1)
            {
                ns = parts[1];
                if (parts.Count > 2 && !NamespaceSubresources.Contains(parts[2]))
                    parts = parts.Skip(2).ToList();
            }
        }
        string resource = "", name = "", sub = "";
        if (parts.Count >= 3) sub = parts[2];
        if (parts.Count >= 2) name = parts[1];
        if (parts.Count >= 1) resource = parts[0];
        if (name.Length == 0 && verb == "get")
        {
            verb = query.TryGetValue("watch", out var w) && w is "true" or "1" ? "watch" : "list";
            // A list with fieldSelector=metadata.name=x is authorized as a request for that name.
            if (query.TryGetValue("fieldSelector", out var fs) && ExactName(fs) is { } exact && IsValidPathSegmentName(exact))
                name = exact;
        }
        if (name.Length == 0 && verb == "delete") verb = "deletecollection";
        return new RequestInfo(true, path, verb, prefix, group, version, ns, resource, sub, name, parts);
    }

    private static string? ExactName(string fieldSelector)
    {
        string? found = null;
        foreach (var term in fieldSelector.Split(','))
        {
            var t = term.Trim();
            string? v = null;
            if (t.StartsWith("metadata.name==", StringComparison.Ordinal)) v = t["metadata.name==".Length..];
            else if (t.StartsWith("metadata.name=", StringComparison.Ordinal)) v = t["metadata.name=".Length..];
            if (v is not null) found = v;
        }
        return found;
    }

    private static bool IsValidPathSegmentName(string s) => s is not ("." or "..") && !s.Contains('/') && !s.Contains('%');
}
