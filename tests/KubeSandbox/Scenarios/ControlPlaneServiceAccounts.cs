using System.Text.Json.Nodes;

namespace KubeSandbox.Scenarios;

/// <summary>
/// The kube-system ServiceAccounts a running control plane has: kube-controller-manager with
/// <c>--use-service-account-credentials</c> (kubeadm's default) runs each controller as
/// <c>kube-system/&lt;controller&gt;</c>, which is whom the default bindings name
/// (system:controller:cronjob-controller -> kube-system/cronjob-controller, system:controller:bootstrap-signer ->
/// kube-system/bootstrap-signer...). The list is derived from the stored default policy (bindings labelled
/// <c>kubernetes.io/bootstrapping: rbac-defaults</c>), so it follows the release, and no default binding dangles.
/// The recorded cluster ran without kube-controller-manager (only kube-system/default), so the bootstrap scenario
/// that the conformance replay uses does not add them; demo and scale do.
/// </summary>
public static class ControlPlaneServiceAccounts
{
    public static IReadOnlyList<string> Load(ScenarioBuilder b)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var resource in new[] { "clusterrolebindings", "rolebindings" })
        {
            foreach (var binding in b.Store.List(resource, null))
            {
                if (binding["metadata"]?["labels"]?["kubernetes.io/bootstrapping"]?.GetValue<string>() != "rbac-defaults") continue;
                foreach (var subject in (binding["subjects"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                {
                    if (subject["kind"]?.GetValue<string>() == "ServiceAccount"
                        && subject["namespace"]?.GetValue<string>() == "kube-system"
                        && subject["name"]?.GetValue<string>() is { Length: > 0 } name)
                        names.Add(name);
                }
            }
        }
        foreach (var name in names)
            if (b.Store.Get("serviceaccounts", "kube-system", name) is null)
                b.ServiceAccount("kube-system", name);
        return names.ToList();
    }
}
