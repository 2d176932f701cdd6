using System.Text.RegularExpressions;

namespace SaTools.Engine.Names;

/// <summary>
/// The one place where a name is checked before it may become part of a request path, by the rules the API server
/// itself applies to the object's name, so a name that could never name a real object (and could move the request
/// elsewhere: <c>..</c>, <c>a/b</c>, <c>%2e%2e</c>, <c>?x=</c>) is refused before anything is sent.
/// <list type="bullet">
/// <item>DNS-1123 label and subdomain: k8s.io/apimachinery <c>pkg/util/validation/validation.go</c>
/// (IsDNS1123Label, IsDNS1123Subdomain); namespaces are labels (ValidateNamespaceName), ServiceAccounts, Secrets,
/// Pods, Nodes and workloads subdomains (NameIsDNSSubdomain in pkg/apis/core/validation and apps/validation).</item>
/// <item>Path segment names: k8s.io/apimachinery <c>pkg/api/validation/path/name.go</c>
/// (IsValidPathSegmentName: not '.' or '..', no '/' or '%'), the rule RBAC object names follow.</item>
/// </list>
/// A name is also escaped where the path is built (KubeApi.PathSegment), so a case a rule misses still cannot move
/// the request.
/// </summary>
public static class KubeNames
{
    /// <summary>DNS1123LabelMaxLength in validation.go.</summary>
    public const int Dns1123LabelMaxLength = 63;

    /// <summary>DNS1123SubdomainMaxLength in validation.go.</summary>
    public const int Dns1123SubdomainMaxLength = 253;

    private const string LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static readonly Regex Label = new("^" + LabelFormat + "$", RegexOptions.CultureInvariant);
    private static readonly Regex Subdomain = new("^" + LabelFormat + @"(\." + LabelFormat + ")*$", RegexOptions.CultureInvariant);

    /// <summary>Names that may not be a path segment (path.NameMayNotBe).</summary>
    private static readonly string[] NameMayNotBe = [".", ".."];

    /// <summary>Text a path segment name may not hold (path.NameMayNotContain).</summary>
    private static readonly string[] NameMayNotContain = ["/", "%"];

    /// <summary>Why <paramref name="name"/> cannot be a <paramref name="kind"/> name, or null when it can.</summary>
    public static string? Problem(NameKind kind, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a name is required";
        }
        var problems = kind switch
        {
            NameKind.Namespace => IsDns1123Label(name),
            NameKind.RbacObject => IsValidPathSegmentName(name),
            _ => IsDns1123Subdomain(name),
        };
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>
    /// Why a wildcard pattern (<c>*</c>, <c>?</c>, <c>[...]</c>) can never match a <paramref name="kind"/> name, or
    /// null when it can: its literal characters must be ones such a name holds (letters in either case, as
    /// patterns match case-insensitively). A pattern is only matched against listed names, never sent; this
    /// check says that 'shop/serviceaccounts/x?' is a mistake rather than quietly matching nothing.
    /// </summary>
    public static string? PatternProblem(NameKind kind, string pattern)
    {
        var allowed = kind switch
        {
            NameKind.Namespace => "-",
            NameKind.RbacObject => null,
            _ => "-.",
        };
        var inSet = false;
        foreach (var c in pattern)
        {
            if (c == '[') { inSet = true; continue; }
            if (c == ']') { inSet = false; continue; }
            if (inSet || c is '*' or '?') continue;
            var ok = allowed is null ? c is not ('/' or '%') : char.IsAsciiLetterOrDigit(c) || allowed.Contains(c);
            if (!ok)
            {
                return allowed is null
                    ? "may not contain '/' or '%'"
                    : $"a {Noun(kind)} name holds only alphanumeric characters{(allowed.Contains('.') ? ", '-' or '.'" : " or '-'")}, so a pattern with '{c}' matches nothing";
            }
        }
        return null;
    }

    /// <summary>True when <paramref name="name"/> passes the rule of <paramref name="kind"/>.</summary>
    public static bool IsValid(NameKind kind, string? name) => Problem(kind, name) is null;

    /// <summary>A sentence for an error: "'..' is not a valid namespace name: ...".</summary>
    public static string Describe(NameKind kind, string? name, string problem) =>
        $"'{name}' is not a valid {Noun(kind)} name: {problem}. Nothing was sent to the cluster for it.";

    /// <summary>What the kind is called in a message.</summary>
    public static string Noun(NameKind kind) => kind switch
    {
        NameKind.Namespace => "namespace",
        NameKind.ServiceAccount => "ServiceAccount",
        NameKind.Secret => "Secret",
        NameKind.Pod => "Pod",
        NameKind.Node => "Node",
        NameKind.Workload => "workload",
        NameKind.RbacObject => "RBAC object",
        _ => kind.ToString(),
    };

    /// <summary>IsDNS1123Label: at most 63 characters, lower-case alphanumerics or '-', starting and ending
    /// alphanumeric.</summary>
    public static IReadOnlyList<string> IsDns1123Label(string value)
    {
        var errors = new List<string>();
        if (value.Length > Dns1123LabelMaxLength)
        {
            errors.Add($"must be no more than {Dns1123LabelMaxLength} characters");
        }
        if (!Label.IsMatch(value))
        {
            errors.Add("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')");
        }
        return errors;
    }

    /// <summary>IsDNS1123Subdomain: at most 253 characters, DNS-1123 labels joined by '.'.</summary>
    public static IReadOnlyList<string> IsDns1123Subdomain(string value)
    {
        var errors = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            errors.Add($"must be no more than {Dns1123SubdomainMaxLength} characters");
        }
        if (!Subdomain.IsMatch(value))
        {
            errors.Add("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')");
        }
        return errors;
    }

    /// <summary>IsValidPathSegmentName: not '.' or '..', and no '/' or '%'.</summary>
    public static IReadOnlyList<string> IsValidPathSegmentName(string value)
    {
        foreach (var illegal in NameMayNotBe)
        {
            if (value == illegal)
            {
                return [$"may not be '{illegal}'"];
            }
        }
        return NameMayNotContain.Where(c => value.Contains(c, StringComparison.Ordinal)).Select(c => $"may not contain '{c}'").ToList();
    }
}
