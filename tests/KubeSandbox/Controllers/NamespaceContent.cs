using KubeSandbox.Storage;
using KubeSandbox.Api;

namespace KubeSandbox.Controllers;

/// <summary>The namespace controller's deletion of a namespace's content (pkg/controller/namespace/deletion),
/// done at once when the namespace is deleted.</summary>
public static class NamespaceContent
{
    public static void DeleteAll(InMemoryObjectStore store, string @namespace)
    {
        foreach (var type in ResourceCatalog.All.Where(t => t.Namespaced))
            foreach (var o in store.Snapshot(type.Plural, @namespace, out _))
            {
                try { store.DeleteStored(type.Plural, @namespace, o.Name); }
                catch (ApiException) { }
            }
    }
}
