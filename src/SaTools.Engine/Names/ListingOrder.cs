using System.Runtime.CompilerServices;

namespace SaTools.Engine.Names;

/// <summary>
/// The order SaTools writes every listing of namespaced objects in (ServiceAccounts, their permissions, pods, usage
/// rows, audit findings, legacy tokens): the order the API server lists them in, and so the order
/// <c>kubectl get -A</c> prints. A list is a range read of the storage keys "&lt;namespace&gt;/&lt;name&gt;" in
/// byte order (k8s.io/apiserver pkg/storage/etcd3/store.go, GetList); a list served from the watch cache comes in
/// the same order (its BTree store, pkg/storage/cacher/store_btree.go, on by default since 1.32: BtreeWatchCache).
/// <para>
/// That is by namespace, then name, except where one namespace is another's prefix followed by a character that
/// sorts before '/': <c>app-x/...</c> comes before <c>app/...</c> ('-' is 0x2D, '/' 0x2F). Being the API's own
/// order, it is what lets a listing write rows while its pages still arrive: no object still to come can sort
/// before one already read (<c>Rbac/ServiceAccountArrivals</c>).
/// </para>
/// </summary>
internal static class ListingOrder
{
    /// <summary>Compares the keys "&lt;namespace&gt;/&lt;name&gt;" of two objects, ordinally, without building
    /// them. A missing namespace is the empty one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Compare(string? namespaceA, string nameA, string? namespaceB, string nameB)
    {
        var a = namespaceA ?? string.Empty;
        var b = namespaceB ?? string.Empty;
        var byNamespace = string.CompareOrdinal(a, b);
        if (byNamespace == 0)
        {
            return string.CompareOrdinal(nameA, nameB);
        }

        // Only where one namespace is the other's prefix do the keys order otherwise: the shorter key goes on with
        // '/', the longer with its next character (never '/' in a valid namespace; if it were, the whole keys decide).
        var (shorter, longer) = a.Length < b.Length ? (a, b) : (b, a);
        if (shorter.Length == longer.Length || !longer.StartsWith(shorter, StringComparison.Ordinal))
        {
            return byNamespace;
        }

        var next = longer[shorter.Length];
        if (next == '/')
        {
            return string.CompareOrdinal(a + "/" + nameA, b + "/" + nameB);
        }

        return (a.Length < b.Length) == ('/' < next) ? -1 : 1;
    }

    /// <summary>Namespaces in the order their objects are listed in (by "&lt;namespace&gt;/"): app-x before app.</summary>
    public static IComparer<string> Namespaces { get; } = Comparer<string>.Create((a, b) => Compare(a, string.Empty, b, string.Empty));

    /// <summary>The items in the listing order: the list itself when it already is (what is read from the API: one
    /// pass to check, no sort), else a sorted copy (stable: equal keys, which only merged dumps hold, keep their
    /// order).</summary>
    public static IReadOnlyList<T> Ordered<T>(IReadOnlyList<T> items, IComparer<T> order)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (order.Compare(items[i - 1], items[i]) > 0)
            {
                return items.Order(order).ToList();
            }
        }

        return items;
    }

    /// <summary>The order of objects whose namespace and name the two functions give.</summary>
    public static IComparer<T> By<T>(Func<T, string?> namespaceOf, Func<T, string> nameOf) =>
        Comparer<T>.Create((x, y) => Compare(namespaceOf(x), nameOf(x), namespaceOf(y), nameOf(y)));
}
