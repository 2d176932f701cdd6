namespace SaTools.Benchmarks;

/// <summary>The sizes of the sandbox's scale scenario the benchmark asks for (issue 7).</summary>
public sealed record ScaleSpec(
    int Namespaces,
    int ServiceAccounts,
    int Pods,
    int Roles,
    int RoleBindings,
    int ClusterRoles,
    int ClusterRoleBindings,
    int LegacySecrets)
{
    public static readonly ScaleSpec Full = new(2000, 20000, 40000, 8000, 12000, 400, 600, 3000);

    /// <summary>Every size times <paramref name="fraction"/> (above 1 too: the scaling run's double scale), at
    /// least one of each.</summary>
    public ScaleSpec Scaled(double fraction)
    {
        if (fraction == 1) return this;
        int S(int n) => Math.Max(1, (int)Math.Round(n * fraction));
        return new(S(Namespaces), S(ServiceAccounts), S(Pods), S(Roles), S(RoleBindings), S(ClusterRoles), S(ClusterRoleBindings), S(LegacySecrets));
    }

    public override string ToString() =>
        $"{Namespaces:N0} namespaces, {ServiceAccounts:N0} ServiceAccounts, {Pods:N0} pods, {Roles:N0} Roles, {RoleBindings:N0} RoleBindings, " +
        $"{ClusterRoles:N0} ClusterRoles, {ClusterRoleBindings:N0} ClusterRoleBindings, {LegacySecrets:N0} legacy token Secrets";
}
