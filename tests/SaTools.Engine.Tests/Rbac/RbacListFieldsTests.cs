using System.Text.Json;
using k8s;
using k8s.Models;
using SaTools.Engine.Rbac;

namespace SaTools.Engine.Tests.Rbac;

/// <summary>The RBAC lists parsed into the fields the evaluation reads give the same grants as a full parse, the
/// aggregation included, and build nothing else (managedFields, annotations, timestamps).</summary>
public class RbacListFieldsTests
{
    // As kube-apiserver serves objects written with kubectl apply: managedFields, the last-applied annotation, a
    // timestamp. An aggregated ClusterRole picks up a labelled one; a RoleBinding binds it and a Role.
    private const string ManagedFields =
        "\"managedFields\":[{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\"," +
        "\"time\":\"2026-01-02T03:04:05Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:annotations\":{\".\":{}}}}}]";

    private const string Applied =
        "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"apiVersion\\\":\\\"rbac.authorization.k8s.io/v1\\\"}\"}";

    private static readonly string ClusterRoles = $$$"""
        {"kind":"ClusterRoleList","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"resourceVersion":"7"},"items":[
          {"metadata":{"name":"monitoring","uid":"c1","resourceVersion":"5","creationTimestamp":"2026-01-02T03:04:05Z",{{{Applied}}},{{{ManagedFields}}}},
           "aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"example.com/aggregate-to-monitoring":"true"}}]},"rules":null},
          {"metadata":{"name":"secret-reader","uid":"c2","creationTimestamp":"2026-01-02T03:04:05Z","labels":{"example.com/aggregate-to-monitoring":"true"},{{{Applied}}},{{{ManagedFields}}}},
           "rules":[{"apiGroups":[""],"resources":["secrets"],"verbs":["get","list"]}]}
        ]}
        """;

    private static readonly string Roles = $$$"""
        {"kind":"RoleList","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"resourceVersion":"7","continue":"next","remainingItemCount":2},"items":[
          {"metadata":{"name":"deployer","namespace":"shop","uid":"r1","creationTimestamp":"2026-01-02T03:04:05Z",{{{Applied}}},{{{ManagedFields}}}},
           "rules":[{"apiGroups":["apps"],"resources":["deployments"],"resourceNames":["web"],"verbs":["patch"]}]}
        ]}
        """;

    private static readonly string RoleBindings = $$$"""
        {"kind":"RoleBindingList","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"resourceVersion":"7"},"items":[
          {"metadata":{"name":"web-deploys","namespace":"shop","uid":"b1","creationTimestamp":"2026-01-02T03:04:05Z",{{{Applied}}},{{{ManagedFields}}}},
           "subjects":[{"kind":"ServiceAccount","name":"web","namespace":"shop"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"deployer"}}
        ]}
        """;

    private static readonly string ClusterRoleBindings = $$$"""
        {"kind":"ClusterRoleBindingList","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"resourceVersion":"7"},"items":[
          {"metadata":{"name":"web-monitoring","uid":"cb1","creationTimestamp":"2026-01-02T03:04:05Z",{{{Applied}}},{{{ManagedFields}}}},
           "subjects":[{"kind":"Group","name":"system:serviceaccounts:shop","apiGroup":"rbac.authorization.k8s.io"}],
           "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"monitoring"}}
        ]}
        """;

    private static readonly string ServiceAccounts = $$$"""
        {"kind":"ServiceAccountList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[
          {"metadata":{"name":"web","namespace":"shop","uid":"s1","creationTimestamp":"2026-01-02T03:04:05Z",{{{Applied}}},{{{ManagedFields}}}},
           "automountServiceAccountToken":false,"secrets":[{"name":"web-token-x"}]}
        ]}
        """;

    private static T Parse<T>(string json, bool trimmed) =>
        trimmed ? JsonSerializer.Deserialize<T>(json, RbacListFields.Fields.Options)! : KubernetesJson.Deserialize<T>(json);

    private static RbacSnapshot Read(bool trimmed) => new(
        Parse<V1RoleList>(Roles, trimmed).Items,
        Parse<V1ClusterRoleList>(ClusterRoles, trimmed).Items,
        Parse<V1RoleBindingList>(RoleBindings, trimmed).Items,
        Parse<V1ClusterRoleBindingList>(ClusterRoleBindings, trimmed).Items,
        serviceAccounts: null);

    private static IEnumerable<string> Grants(RbacSnapshot snapshot) =>
        new EffectivePermissionEvaluator(new RbacIndex(snapshot)).GetGrants(new ServiceAccountRef("shop", "web"))
            .Select(g => $"{g.Scope} {g.BindingKind} {g.BindingName} {g.RoleKind}/{g.RoleName} via {g.GrantedVia} from {g.AggregatedFrom}: " +
                         $"{string.Join(",", g.Verbs)} {string.Join(",", g.ApiGroups)}/{string.Join(",", g.Resources)} {string.Join(",", g.ResourceNames)}")
            .Order(StringComparer.Ordinal);

    [Fact]
    public void TheEvaluationSeesWhatAFullParseWouldShowIt()
    {
        var fromTrimmed = Grants(Read(trimmed: true)).ToList();
        Assert.Equal(Grants(Read(trimmed: false)), fromTrimmed);
        // The Role's grant, and the Secrets read that only aggregation (by the labelled ClusterRole) brings.
        Assert.Contains(fromTrimmed, g => g.StartsWith("shop RoleBinding web-deploys Role/deployer", StringComparison.Ordinal) && g.EndsWith("patch apps/deployments web", StringComparison.Ordinal));
        Assert.Contains(fromTrimmed, g => g.Contains("ClusterRole/monitoring", StringComparison.Ordinal) && g.Contains("from secret-reader", StringComparison.Ordinal) && g.Contains("get,list /secrets", StringComparison.Ordinal));

        var roles = Parse<V1RoleList>(Roles, trimmed: true);
        Assert.Equal(("next", 2L, "r1"), (roles.Metadata.ContinueProperty, roles.Metadata.RemainingItemCount!.Value, roles.Items[0].Metadata.Uid));
    }

    [Fact]
    public void NothingElseIsBuilt()
    {
        var labelled = Parse<V1ClusterRoleList>(ClusterRoles, trimmed: true).Items[1];
        Assert.Equal("true", labelled.Metadata.Labels["example.com/aggregate-to-monitoring"]);
        var binding = Parse<V1RoleBindingList>(RoleBindings, trimmed: true).Items[0];
        foreach (var meta in new[] { labelled.Metadata, binding.Metadata })
        {
            Assert.Null(meta.ManagedFields);
            Assert.Null(meta.Annotations);
            Assert.Null(meta.CreationTimestamp);
            Assert.Null(meta.ResourceVersion);
        }

        var account = Parse<V1ServiceAccountList>(ServiceAccounts, trimmed: true).Items[0];
        Assert.Equal(("shop", "web", "s1"), (account.Metadata.NamespaceProperty, account.Metadata.Name, account.Metadata.Uid));
        Assert.Null(account.Secrets);
        Assert.Null(account.AutomountServiceAccountToken);
        Assert.Null(account.Metadata.ManagedFields);
    }
}
