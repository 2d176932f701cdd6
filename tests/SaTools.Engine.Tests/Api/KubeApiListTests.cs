using System.Collections.Concurrent;
using System.Net;
using System.Text;
using k8s;
using SaTools.Engine.Api;

namespace SaTools.Engine.Tests.Api;

/// <summary>KubeApi's lists over HTTP: the continue token read from the start of each body, the next page asked
/// for before this one is parsed, and lists without remainingItemCount (every selector list) read to their end.</summary>
public sealed class KubeApiListTests
{
    /// <summary>Serves pods in pages of <c>limit</c>, the way kube-apiserver writes a list (kind, apiVersion,
    /// metadata, items); the continue token is the next offset.</summary>
    private sealed class PodPages(int total, bool countsRemaining, bool metadataLast = false) : DelegatingHandler
    {
        public ConcurrentQueue<string> Requests { get; } = new();
        public SemaphoreSlim Asked { get; } = new(0);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            Requests.Enqueue(request.RequestUri.PathAndQuery);
            Asked.Release();
            var limit = int.Parse(query["limit"]!);
            var offset = query["continue"] is { } c ? int.Parse(c) : 0;
            var count = Math.Min(limit, total - offset);
            var items = string.Join(",", Enumerable.Range(offset, count).Select(i =>
                "{\"metadata\":{\"name\":\"pod-" + i.ToString("D3") + "\",\"namespace\":\"ns\",\"uid\":\"uid-" + i + "\"}," +
                "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}],\"serviceAccountName\":\"sa\"}}"));
            var next = offset + count < total ? (offset + count).ToString() : null;
            var meta = next is null ? "{\"resourceVersion\":\"7\"}"
                : countsRemaining ? $$"""{"resourceVersion":"7","continue":"{{next}}","remainingItemCount":{{total - offset - count}}}"""
                : $$"""{"resourceVersion":"7","continue":"{{next}}"}""";
            var body = metadataLast
                ? $$"""{"kind":"PodList","apiVersion":"v1","items":[{{items}}],"metadata":{{meta}}}"""
                : $$"""{"kind":"PodList","apiVersion":"v1","metadata":{{meta}},"items":[{{items}}]}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    private static KubeApi Api(DelegatingHandler handler, int pageSize)
    {
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = "https://k8s.test" }, handler);
        return new KubeApi(client, "https://k8s.test") { PageSize = pageSize };
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task EveryPodOfEveryPageWithOrWithoutARemainingCount(bool countsRemaining, bool metadataLast)
    {
        var server = new PodPages(23, countsRemaining, metadataLast);
        var api = Api(server, 5);
        var names = new List<string>();
        await foreach (var pod in api.ListPodsAsync(null, "app=web", null, CancellationToken.None))
            names.Add(pod.Metadata.Name);
        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"pod-{i:D3}"), names);
        Assert.Equal(5, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.StartsWith("/api/v1/pods?limit=5", r));
        Assert.All(server.Requests, r => Assert.Contains("labelSelector=app%3Dweb", r));
    }

    [Fact]
    public async Task TheNextPageIsAskedForBeforeThisOnesItemsReachTheCaller()
    {
        var server = new PodPages(12, countsRemaining: false);
        var api = Api(server, 5);
        var seen = 0;
        await foreach (var pod in api.ListPodsAsync("ns", null, null, CancellationToken.None))
        {
            if (seen++ == 0)
            {
                // The first page's request and the second's: a pager that waited for this page to be parsed and
                // handed out before asking for the next would never send it while the caller waits here.
                Assert.True(await server.Asked.WaitAsync(TimeSpan.FromSeconds(10)));
                Assert.True(await server.Asked.WaitAsync(TimeSpan.FromSeconds(10)));
                Assert.Contains(server.Requests, r => r.Contains("continue=5", StringComparison.Ordinal));
            }
        }
        Assert.Equal(12, seen);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.StartsWith("/api/v1/namespaces/ns/pods?", r));
    }

    [Theory]
    [InlineData("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1","continue":"abc","remainingItemCount":4},"items":[]}""", true, "abc", 4L)]
    [InlineData("""{"kind":"PodList","metadata":{"continue":"abc"},"items":[]}""", true, "abc", null)]
    [InlineData("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}""", true, null, null)]
    [InlineData("""{"kind":"PodList","items":[],"metadata":{"continue":"abc"}}""", false, null, null)]
    [InlineData("""{"kind":"PodList","metadata":{"continue":""", false, null, null)]
    public void TheListMetadataIsReadFromTheStartOfTheBody(string json, bool found, string? token, long? remaining)
    {
        Assert.Equal(found, ListMetaReader.TryRead(Encoding.UTF8.GetBytes(json), out var c, out var r));
        Assert.Equal(token, c);
        Assert.Equal(remaining, r);
    }
}
