using SaTools.Engine.Names;

namespace SaTools.Engine.Tests.Names;

/// <summary>ListingOrder is the API server's order: the keys "&lt;namespace&gt;/&lt;name&gt;" compared byte for byte.</summary>
public sealed class ListingOrderTests
{
    [Theory]
    [InlineData("app-x", "z", "app", "a")] // '-' sorts before '/': kubectl get -A lists app-x before app
    [InlineData("app", "z", "app0", "a")] // '/' sorts before '0'
    [InlineData("app", "z", "apq", "a")]
    [InlineData("app", "a", "app", "a-b")]
    [InlineData("app", "a.b", "app", "ab")] // names compare as they are once the namespaces are equal
    [InlineData("", "z", "a", "a")] // a missing namespace is the empty one
    public void TheFirstKeySortsFirst(string namespaceA, string nameA, string namespaceB, string nameB)
    {
        Assert.True(ListingOrder.Compare(namespaceA, nameA, namespaceB, nameB) < 0);
        Assert.True(ListingOrder.Compare(namespaceB, nameB, namespaceA, nameA) > 0);
    }

    [Fact]
    public void EqualKeysAndAMissingNamespaceCompareEqual()
    {
        Assert.Equal(0, ListingOrder.Compare("app", "a", "app", "a"));
        Assert.Equal(0, ListingOrder.Compare(null, "a", "", "a"));
    }

    [Fact]
    public void ItIsTheOrdinalOrderOfTheKeysTheServerListsBy()
    {
        // Namespaces that are each other's prefixes, with the characters around '/' ('-' and '.' before it, digits
        // after), and a namespace holding '/' (invalid, but a dump may hold anything): the sign always matches the
        // ordinal comparison of the built keys.
        var random = new Random(18);
        const string alphabet = "ab-0./";
        string Word(int max) => new(Enumerable.Range(0, random.Next(max + 1)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        for (var i = 0; i < 20_000; i++)
        {
            var (nsA, nameA, nsB, nameB) = (Word(4), Word(3), Word(4), Word(3));
            var expected = Math.Sign(string.CompareOrdinal(nsA + "/" + nameA, nsB + "/" + nameB));
            Assert.True(expected == Math.Sign(ListingOrder.Compare(nsA, nameA, nsB, nameB)), $"{nsA}/{nameA} against {nsB}/{nameB}");
        }
    }

    [Fact]
    public void ListsAlreadyInOrderAreKeptAndOthersSortedStably()
    {
        var order = ListingOrder.By<(string Ns, string Name, int Seen)>(x => x.Ns, x => x.Name);
        var listed = new List<(string Ns, string Name, int Seen)> { ("app-x", "a", 0), ("app", "a", 1), ("app", "b", 2) };
        Assert.Same(listed, ListingOrder.Ordered(listed, order));

        // A merged dump: out of order, and the same key twice (kept in the order it came).
        var merged = new List<(string Ns, string Name, int Seen)> { ("app", "b", 0), ("app", "a", 1), ("app-x", "a", 2), ("app", "a", 3) };
        Assert.Equal([("app-x", "a", 2), ("app", "a", 1), ("app", "a", 3), ("app", "b", 0)], ListingOrder.Ordered(merged, order));
    }
}
