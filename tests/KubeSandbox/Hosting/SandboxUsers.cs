using KubeSandbox.Security;

namespace KubeSandbox.Hosting;

/// <summary>Fixed identities of the HTTP layer.</summary>
public static class SandboxUsers
{
    /// <summary>A request without credentials (k8s.io/apiserver pkg/authentication/request/anonymous):
    /// user system:anonymous in group system:unauthenticated.</summary>
    public static readonly UserInfo Anonymous = new("system:anonymous", "", new[] { "system:unauthenticated" },
        new Dictionary<string, IReadOnlyList<string>>());
}
