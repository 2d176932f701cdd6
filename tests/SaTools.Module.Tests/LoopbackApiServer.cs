using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SaTools.Module.Tests;

/// <summary>
/// A few-line plain-HTTP API server on loopback for tests that need an answer but not the sandbox (the
/// dependency-conflict test): answers <c>/version</c>, or whatever <see cref="Respond"/> says.
/// </summary>
public sealed class LoopbackApiServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<string> _kubeconfigs = new();

    public LoopbackApiServer()
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<(string Method, string Path, string? Authorization)> Requests { get; } = new();

    /// <summary>Status and JSON body for a path; default: /version answers, everything else 404.</summary>
    public Func<string, (int Status, string Body)> Respond { get; set; } = path => path == "/version"
        ? (200, """{"major":"1","minor":"31","gitVersion":"v1.31.0-loopback"}""")
        : (404, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"not found","reason":"NotFound","code":404}""");

    /// <summary>A kubeconfig (plain http, a token) whose only context is <paramref name="context"/>; deleted on
    /// Dispose.</summary>
    public string WriteKubeconfig(string context, string token = "loopback-token")
    {
        var path = Path.Combine(Path.GetTempPath(), $"satools-loopback-{Guid.NewGuid():N}.yaml");
        _kubeconfigs.Add(path);
        File.WriteAllText(path, $"apiVersion: v1\nkind: Config\ncurrent-context: {context}\nclusters:\n- name: {context}\n  cluster:\n    server: {Url}\nusers:\n- name: {context}\n  user:\n    token: {token}\ncontexts:\n- name: {context}\n  context:\n    cluster: {context}\n    user: {context}\n");
        return path;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath.TrimEnd('/');
            Requests.Enqueue((context.Request.HttpMethod, path, context.Request.Headers["Authorization"]));
            var (status, body) = Respond(path);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        foreach (var path in _kubeconfigs) File.Delete(path);
    }
}
