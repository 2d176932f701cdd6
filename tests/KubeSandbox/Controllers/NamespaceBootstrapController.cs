using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.Controllers;

/// <summary>
/// What a new namespace gets from kube-controller-manager: the <c>default</c> ServiceAccount
/// (pkg/controller/serviceaccount/serviceaccounts_controller.go) and the <c>kube-root-ca.crt</c> ConfigMap with
/// the cluster CA (pkg/controller/certificates/rootcacertpublisher/publisher.go). Both are re-created when deleted,
/// as those controllers do.
/// </summary>
public sealed class NamespaceBootstrapController(IObjectStore store, ServerIdentity identity) : ISandboxController
{
    public void Start()
    {
        store.Changed += OnChanged;
        foreach (var ns in store.List("namespaces", null))
            Ensure(ns["metadata"]!["name"]!.GetValue<string>());
    }

    private void OnChanged(StoreChange c)
    {
        if (c.Kind == StoreChangeKind.Created && c.Resource == "namespaces") Ensure(c.Name);
        else if (c.Kind == StoreChangeKind.Deleted && c.Namespace is not null
                 && ((c.Resource == "serviceaccounts" && c.Name == "default") || (c.Resource == "configmaps" && c.Name == "kube-root-ca.crt"))
                 && store.Get("namespaces", null, c.Namespace) is not null)
            Ensure(c.Namespace);
    }

    private void Ensure(string ns)
    {
        // A Terminating namespace gets no new content (NamespaceLifecycle admission refuses it).
        if (store.Get("namespaces", null, ns)?["status"]?["phase"]?.GetValue<string>() == "Terminating") return;
        TryCreate("serviceaccounts", ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } });
        TryCreate("configmaps", ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kube-root-ca.crt" },
            ["data"] = new JsonObject { ["ca.crt"] = identity.CaCertificatePem },
        });
    }

    private void TryCreate(string resource, string ns, JsonObject obj)
    {
        if (store.Get(resource, ns, obj["metadata"]!["name"]!.GetValue<string>()) is not null) return;
        try { store.Create(resource, ns, obj); }
        catch (ApiException) { /* created meanwhile, or the namespace is gone */ }
    }
}
