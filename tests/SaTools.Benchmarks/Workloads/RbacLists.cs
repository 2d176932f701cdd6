namespace SaTools.Benchmarks.Workloads;

/// <summary>What an all-namespace permission answer must read: the ServiceAccounts and each RBAC kind once
/// (issue 4: "reads each RBAC kind once per run, never one request per ServiceAccount").</summary>
public static class RbacLists
{
    public static readonly IReadOnlyList<string> All = ["serviceaccounts", "roles", "rolebindings", "clusterroles", "clusterrolebindings"];
}
