using System.Text.Json.Nodes;

namespace KubeSandbox.Storage;

/// <summary>
/// The sandbox's objects as the API serves them (JSON with kind, apiVersion and metadata filled in).
/// Resources are named by their plural (<c>serviceaccounts</c>, <c>clusterroles</c>); the sandbox serves each
/// plural in exactly one group, so the plural alone names the resource. <c>@namespace</c> is null for
/// cluster-scoped resources and, in <see cref="List"/>, for "all namespaces".
/// Returned objects are copies: changing them changes nothing in the store.
/// </summary>
public interface IObjectStore
{
    JsonObject? Get(string resource, string? @namespace, string name);

    IReadOnlyList<JsonObject> List(string resource, string? @namespace);

    /// <summary>Creates the object as a POST would (uid, resourceVersion, creationTimestamp set); throws
    /// <see cref="Api.ApiException"/> on a conflict or a missing namespace.</summary>
    JsonObject Create(string resource, string? @namespace, JsonObject obj);

    /// <summary>Reads, changes and writes one object atomically (resourceVersion bumped); throws NotFound.</summary>
    JsonObject Mutate(string resource, string? @namespace, string name, Action<JsonObject> change);

    /// <summary>Deletes the object and returns what was deleted; throws NotFound.</summary>
    JsonObject Delete(string resource, string? @namespace, string name);

    /// <summary>Raised after every successful create, update, patch or delete, with the object's new state
    /// (the deleted state for deletes); controllers and token invalidation listen here.</summary>
    event Action<StoreChange>? Changed;
}

/// <summary>One change to the store, as <see cref="IObjectStore.Changed"/> reports it.</summary>
public sealed record StoreChange(StoreChangeKind Kind, string Resource, string? Namespace, string Name, JsonObject Object);

public enum StoreChangeKind { Created, Updated, Deleted }
