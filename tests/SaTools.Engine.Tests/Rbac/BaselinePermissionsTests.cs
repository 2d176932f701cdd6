using SaTools.Engine.Rbac;

namespace SaTools.Engine.Tests.Rbac;

public class BaselinePermissionsTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: List
        items:
        - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: system:discovery}, rules: [{nonResourceURLs: [/api, /apis], verbs: [get]}]}
        - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: system:basic-user}, rules: [{apiGroups: [authorization.k8s.io], resources: [selfsubjectaccessreviews], verbs: [create]}]}
        - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: view}, rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]}
        - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: system:discovery}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:discovery}, subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}]}
        - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: system:basic-user}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:basic-user}, subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:serviceaccounts}]}
        - {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: viewer, namespace: shop}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}, subjects: [{kind: ServiceAccount, name: viewer, namespace: shop}]}
        - {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: team, namespace: ci}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}, subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: "system:serviceaccounts:ci"}]}
        - {apiVersion: rbac.authorization.k8s.io/v1, kind: RoleBinding, metadata: {name: dangling, namespace: shop}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}, subjects: [{kind: ServiceAccount, name: orphan, namespace: shop}]}
        - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: everyone-views}, roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:discovery}, subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:serviceaccounts}]}
        """;

    private static EffectivePermissionEvaluator Evaluator()
    {
        var file = Path.Combine(Path.GetTempPath(), $"baseline-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, Manifest);
        try
        {
            return new EffectivePermissionEvaluator(new RbacIndex(RbacManifestLoader.LoadFiles([file])));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("shop", "plain", false)]     // only the default bindings every ServiceAccount has
    [InlineData("shop", "orphan", false)]    // a binding to a missing role grants nothing
    [InlineData("shop", "viewer", true)]     // its own RoleBinding
    [InlineData("ci", "anyone", true)]       // a binding to its namespace's group
    public void OnlyPermissionsBeyondTheDefaultBindingsNeedAToken(string ns, string name, bool needs)
    {
        var evaluator = Evaluator();
        var sa = new ServiceAccountRef(ns, name);
        Assert.Equal(needs, BaselinePermissions.NeedsToken(evaluator, sa));
        Assert.Equal(needs, BaselinePermissions.BeyondBaseline(evaluator, sa).Count > 0);
        // The baseline is there for everyone: the evaluator does see those grants.
        Assert.Contains(evaluator.GetGrants(sa), BaselinePermissions.IsBaseline);
    }
}
