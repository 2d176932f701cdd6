using System.Collections.Concurrent;
using KubeSandbox.Storage;

namespace SaTools.Benchmarks.Hosting;

/// <summary>
/// The ServiceAccount writes the sandbox's store persisted while it is open, keyed <c>namespace/name</c>, one entry
/// per write. A PATCH that changes nothing (a resend after a lost answer) persists nothing, as in kube-apiserver
/// (k8s.io/apiserver pkg/storage/etcd3/store.go GuaranteedUpdate returns early when the object is unchanged), so
/// this counts writes, not requests.
/// </summary>
public sealed class ServiceAccountWriteLog : IDisposable
{
    private readonly IObjectStore _store;
    private readonly ConcurrentQueue<string> _writes = new();

    public ServiceAccountWriteLog(IObjectStore store)
    {
        _store = store;
        _store.Changed += OnChanged;
    }

    public IReadOnlyList<string> Writes => _writes.ToArray();

    private void OnChanged(StoreChange change)
    {
        if (change.Resource == "serviceaccounts") _writes.Enqueue($"{change.Namespace}/{change.Name}");
    }

    public void Dispose() => _store.Changed -= OnChanged;
}
