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

    /// <summary>A response body that sends its first <c>headLength</c> bytes at once and the rest only when
    /// <see cref="Release"/> is called (or after 10 s, noted in <see cref="TimedOut"/>), then fails instead when
    /// <c>failAfterHead</c>; it notes its disposal.</summary>
    private sealed class HeldBody(byte[] body, int headLength, Task release, bool failAfterHead = false) : Stream
    {
        private int _position;

        public bool TimedOut { get; private set; }
        public bool Disposed { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == headLength)
            {
                TimedOut = await Task.WhenAny(release, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken)) != release;
                if (failAfterHead) throw new IOException("The response ended prematurely.");
            }
            var end = _position < headLength ? headLength : body.Length;
            var n = Math.Min(buffer.Length, end - _position);
            body.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        protected override void Dispose(bool disposing) { Disposed = true; base.Dispose(disposing); }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Two pages of pods (continue token "1"); each body held after its metadata (<see cref="HeldBody"/>)
    /// until the next page is asked for (the last one until <see cref="ReleaseLast"/>).</summary>
    private sealed class HeldPages(bool failAfterHead = false) : DelegatingHandler
    {
        private readonly TaskCompletionSource _secondAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _last = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<HeldBody> Bodies { get; } = new();

        public void ReleaseLast() => _last.TrySetResult();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var second = request.RequestUri!.Query.Contains("continue=1", StringComparison.Ordinal);
            if (second) _secondAsked.TrySetResult();
            var head = second ? """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":["""
                : """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"1"},"items":[""";
            var json = Encoding.UTF8.GetBytes(head + $$$"""{"metadata":{"name":"pod-{{{(second ? 1 : 0)}}}","namespace":"ns","uid":"uid-{{{(second ? 1 : 0)}}}"}}]}""");
            var body = new HeldBody(json, Encoding.UTF8.GetByteCount(head), second ? _last.Task : _secondAsked.Task, failAfterHead);
            lock (Bodies) Bodies.Add(body);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) });
        }
    }

    [Fact]
    public async Task TheNextPageIsAskedForAsSoonAsTheContinueTokenHasArrivedNotTheWholeBody()
    {
        // The body of the first page is held after its metadata until the second page is asked for: a pager that
        // waited for a whole page before asking for the next would wait out HeldBody's 10 s.
        var server = new HeldPages();
        server.ReleaseLast();
        var api = Api(server, 1);
        var names = new List<string>();
        await foreach (var pod in api.ListPodsAsync(null, null, null, CancellationToken.None))
            names.Add(pod.Metadata.Name);
        Assert.Equal(["pod-0", "pod-1"], names);
        Assert.Equal(2, server.Bodies.Count);
        Assert.All(server.Bodies, b => Assert.False(b.TimedOut));
        Assert.All(server.Bodies, b => Assert.True(b.Disposed));
    }

    [Fact]
    public async Task ACallerThatStopsEarlyLetsGoOfThePageReadAhead()
    {
        // The second page's body is never released: its response must still be given back when the caller stops
        // after the first pod, not left holding a connection.
        var server = new HeldPages();
        var api = Api(server, 1);
        await foreach (var pod in api.ListPodsAsync(null, null, null, CancellationToken.None))
        {
            Assert.Equal("pod-0", pod.Metadata.Name);
            break;
        }
        Assert.Equal(2, server.Bodies.Count);
        Assert.All(server.Bodies, b => Assert.True(b.Disposed));
    }

    [Fact]
    public async Task ABodyCutShortAfterItsMetadataIsAKubeApiException()
    {
        var server = new HeldPages(failAfterHead: true);
        var api = Api(server, 1);
        var e = await Assert.ThrowsAsync<KubeApiException>(async () =>
        {
            await foreach (var _ in api.ListPodsAsync(null, null, null, CancellationToken.None)) { }
        });
        Assert.IsType<IOException>(e.InnerException);
        Assert.All(server.Bodies, b => Assert.True(b.Disposed));
    }

    [Theory]
    [InlineData("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1","continue":"abc","remainingItemCount":4},"items":[]}""", "Found", "abc", 4L)]
    [InlineData("""{"kind":"PodList","metadata":{"continue":"abc"},"items":[]}""", "Found", "abc", null)]
    [InlineData("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}""", "Found", null, null)]
    [InlineData("""{"kind":"PodList","items":[],"metadata":{"continue":"abc"}}""", "NotAtStart", null, null)]
    [InlineData("""{"kind":"PodList","metadata":{"continue":""", "NotAtStart", null, null)]
    [InlineData("""["not","a","list"]""", "NotAtStart", null, null)]
    [InlineData("", "NotAtStart", null, null)]
    public void TheListMetadataIsReadFromTheStartOfTheWholeBody(string json, string outcome, string? token, long? remaining)
    {
        Assert.Equal(Enum.Parse<ListMetaReader.Outcome>(outcome), ListMetaReader.TryRead(Encoding.UTF8.GetBytes(json), complete: true, out var c, out var r));
        Assert.Equal(token, c);
        Assert.Equal(remaining, r);
    }

    [Fact]
    public void EveryCutOfABodyBeforeTheEndOfItsMetadataAsksForMoreAndEveryCutAfterFindsIt()
    {
        // The next page is asked for as soon as the continue token is known, from whatever part of the body has
        // arrived: a cut anywhere (inside a property name, the token, a number, a skipped value) must never give
        // a wrong or truncated token.
        var json = Encoding.UTF8.GetBytes("""{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12345","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":1500},"items":[{"metadata":{"name":"a"}}]}""");
        var endOfMetadata = Encoding.UTF8.GetString(json).IndexOf("},\"items\"", StringComparison.Ordinal) + 1;
        for (var cut = 0; cut <= json.Length; cut++)
        {
            var outcome = ListMetaReader.TryRead(json.AsSpan(0, cut), complete: false, out var c, out var r);
            if (cut < endOfMetadata)
            {
                Assert.True(outcome == ListMetaReader.Outcome.NeedMore, $"cut at {cut}: {outcome}");
                continue;
            }
            Assert.Equal(ListMetaReader.Outcome.Found, outcome);
            Assert.Equal("eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ", c);
            Assert.Equal(1500L, r);
        }
    }
}
