using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Admission;
using KubeSandbox.Api;
using KubeSandbox.Discovery;
using KubeSandbox.Faults;
using KubeSandbox.Hosting;
using KubeSandbox.Security;
using KubeSandbox.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace KubeSandbox.Http;

/// <summary>
/// The request pipeline, in kube-apiserver's order (k8s.io/apiserver pkg/server/config.go DefaultBuildHandlerChain):
/// faults (the sandbox's own), authentication (bearer token, else anonymous), impersonation, authorization
/// (on the parsed RequestInfo, so an unknown path or resource is 403 before it is 404), then the handler:
/// discovery and health, registered non-resource endpoints, create-only virtual resources, or the REST verbs
/// of the stored resources. Every request goes to the request log.
/// </summary>
public sealed class ApiHandler
{
    private readonly InMemoryObjectStore _store;
    private readonly IAuthenticator _authenticator;
    private readonly IAuthorizer _authorizer;
    private readonly IReadOnlyList<IVirtualCreateHandler> _virtuals;
    private readonly IReadOnlyList<IAdmissionCheck> _admissionChecks;
    private readonly Dictionary<string, INonResourceHandler> _nonResource;
    private readonly DiscoveryDocuments _discovery;
    private readonly FaultInjector _faults;
    private readonly RequestLog _log;
    private readonly ResourceHandler _resources;
    private readonly Impersonation _impersonation;
    private readonly PodLogs _podLogs;

    public ApiHandler(
        InMemoryObjectStore store,
        IAuthenticator authenticator,
        IAuthorizer authorizer,
        IEnumerable<IVirtualCreateHandler> virtuals,
        IEnumerable<IAdmissionCheck> admissionChecks,
        IEnumerable<INonResourceHandler> nonResource,
        DiscoveryDocuments discovery,
        FaultInjector faults,
        RequestLog log,
        ResourceHandler resources,
        PodLogs podLogs)
    {
        _podLogs = podLogs;
        _store = store;
        _authenticator = authenticator;
        _authorizer = authorizer;
        _virtuals = virtuals.ToList();
        _admissionChecks = admissionChecks.ToList();
        _nonResource = nonResource.ToDictionary(h => h.Path, StringComparer.Ordinal);
        _discovery = discovery;
        _faults = faults;
        _log = log;
        _resources = resources;
        _impersonation = new Impersonation(authorizer);
    }

    public sealed record Reply(int Status, string ContentType, byte[] Body)
    {
        public Dictionary<string, string>? Headers { get; init; }

        /// <summary>When set, the body is written by this (large lists stream out instead of being built in memory).</summary>
        public Func<Stream, CancellationToken, Task>? Writer { get; init; }
    }

    private const string Json = "application/json";
    private const string TextPlain = "text/plain; charset=utf-8";

    public async Task HandleAsync(HttpContext ctx)
    {
        var sw = Stopwatch.StartNew();
        var req = ctx.Request;
        var path = req.Path.HasValue ? req.Path.Value! : "/";
        var query = req.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var userName = "";
        var verb = req.Method.ToLowerInvariant();
        string? fault = null;
        Reply reply;
        FaultRule? slow = null;
        // What the log keeps of this request, as it stands when it is logged (the user and verb are known once
        // authenticated and parsed; a fault before that logs them as they were).
        RequestRecord Record(int status) =>
            new(DateTimeOffset.UtcNow, verb, req.Method, path, req.QueryString.Value ?? "", status, sw.Elapsed, userName, fault);
        try
        {
            foreach (var f in _faults.Decide(req.Method, path))
            {
                switch (f.Kind)
                {
                    case FaultKind.Latency:
                        fault = Append(fault, "latency");
                        await Task.Delay(f.Delay, ctx.RequestAborted);
                        break;
                    case FaultKind.SlowBody:
                        fault = Append(fault, "slow-body");
                        slow = f;
                        break;
                    case FaultKind.ConnectionReset:
                        fault = Append(fault, "reset");
                        _log.Add(Record(0));
                        ctx.Abort();
                        return;
                    case FaultKind.TcpReset:
                        fault = Append(fault, "tcp-reset");
                        _log.Add(Record(0));
                        ResetConnection(ctx);
                        return;
                    case FaultKind.TooManyRequests:
                        fault = Append(fault, "429");
                        // API Priority and Fairness rejection (k8s.io/apiserver pkg/server/filters/priority-and-fairness.go).
                        throw WithHeader(StatusErrors.TooManyRequests("Too many requests, please try again later."), "Retry-After", f.RetryAfterSeconds.ToString());
                    case FaultKind.InternalError:
                        fault = Append(fault, "500");
                        throw StatusErrors.Internal("injected fault");
                    case FaultKind.ServiceUnavailable:
                        fault = Append(fault, "503");
                        throw StatusErrors.ServiceUnavailable("the server is currently unable to handle the request");
                }
            }
            var user = Authenticate(req);
            user = Impersonate(req, user);
            userName = user.Name;
            var info = RequestInfo.Parse(req.Method, path, query);
            verb = info.Verb;
            Authorize(user, info);
            reply = await DispatchAsync(ctx, info, user, query);
        }
        catch (ApiException e)
        {
            reply = StatusReply(e);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            reply = StatusReply(StatusErrors.Internal(e.Message));
        }

        // An answer given before the body was read (a fault, a 401/403, a 404) still reads it: a client that is
        // still sending (HTTP/2 especially) must not see its stream reset.
        try
        {
            if (req.ContentLength is > 0 || req.Headers.TransferEncoding.Count > 0)
                await req.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or Microsoft.AspNetCore.Http.BadHttpRequestException) { }

        var res = ctx.Response;
        res.StatusCode = reply.Status;
        res.ContentType = reply.ContentType;
        if (reply.Headers is not null)
            foreach (var (k, v) in reply.Headers) res.Headers[k] = v;
        // Kubernetes sends Cache-Control: no-cache, private on API responses.
        res.Headers.CacheControl = "no-cache, private";
        var logged = false;
        void Log()
        {
            _log.Add(Record(reply.Status));
            logged = true;
        }
        try
        {
            if (slow is null && reply.Writer is { } writer)
            {
                // Chunked: the last chunk goes out once this handler returns, so the request is logged before a
                // client can have read its whole answer.
                if (!HttpMethods.IsHead(req.Method)) await writer(res.Body, ctx.RequestAborted);
            }
            else if (slow is null)
            {
                res.ContentLength = reply.Body.Length;
                // A client reads a Content-Length body to its last byte and may look at the log at once (a test's
                // count of requests), so the request is logged before its body goes out.
                Log();
                if (!HttpMethods.IsHead(req.Method)) await res.Body.WriteAsync(reply.Body, ctx.RequestAborted);
            }
            else
            {
                var body = reply.Body;
                if (reply.Writer is { } w)
                {
                    using var buffer = new MemoryStream();
                    await w(buffer, ctx.RequestAborted);
                    body = buffer.ToArray();
                }
                ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                for (var i = 0; i < body.Length; i += slow.ChunkBytes)
                {
                    await res.Body.WriteAsync(body.AsMemory(i, Math.Min(slow.ChunkBytes, body.Length - i)), ctx.RequestAborted);
                    await res.Body.FlushAsync(ctx.RequestAborted);
                    await Task.Delay(slow.Delay, ctx.RequestAborted);
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        if (!logged) Log();
    }

    private static string Append(string? a, string b) => a is null ? b : a + "," + b;

    /// <summary>A TCP reset (RST, linger 0) of the whole connection, as a dropped load balancer or a crashed server
    /// gives; over HTTP/2 this fails every stream of the connection, not just this one (a stream reset alone is a
    /// protocol error to clients, not a network failure). Falls back to aborting the request.</summary>
    private static void ResetConnection(HttpContext ctx)
    {
        var socket = ctx.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionSocketFeature>()?.Socket;
        if (socket is null)
        {
            ctx.Abort();
            return;
        }
        try
        {
            socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception e) when (e is ObjectDisposedException or System.Net.Sockets.SocketException)
        {
        }
        ctx.Abort();
    }

    private static ApiException WithHeader(ApiException e, string name, string value)
    {
        e.Data["header:" + name] = value;
        return e;
    }

    public static Reply StatusReply(ApiException e)
    {
        var status = StatusErrors.ToStatus(e);
        if (e.Data["continue"] is string cont) ((JsonObject)status["metadata"]!)["continue"] = cont;
        Dictionary<string, string>? headers = null;
        foreach (var key in e.Data.Keys.OfType<string>().Where(k => k.StartsWith("header:", StringComparison.Ordinal)))
            (headers ??= new())[key["header:".Length..]] = (string)e.Data[key]!;
        return new Reply(e.Code, Json, JsonSerializer.SerializeToUtf8Bytes(status)) { Headers = headers };
    }

    // ------------------------------------------------------------------ authentication and impersonation

    private UserInfo Authenticate(HttpRequest req)
    {
        // k8s.io/apiserver pkg/authentication/request/bearertoken/bearertoken.go: the trimmed header split on single
        // spaces into at most three parts; "bearer" in any case, then the second part is the token. An empty one
        // ("Bearer  x", two spaces) is an invalid token, not an anonymous request.
        var header = req.Headers.Authorization.ToString().Trim();
        if (header.Length == 0) return SandboxUsers.Anonymous;
        var parts = header.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].Equals("bearer", StringComparison.OrdinalIgnoreCase))
            return SandboxUsers.Anonymous;
        var token = parts[1];
        if (token.Length == 0) throw StatusErrors.Unauthorized();
        var result = _authenticator.Authenticate(token, Array.Empty<string>());
        return result.User ?? throw StatusErrors.Unauthorized();
    }

    /// <summary>Impersonate-User / -Group / -Uid / -Extra-* (k8s.io/apiserver pkg/endpoints/filters/impersonation.go),
    /// decided by Security/Impersonation.cs with the same authorizer.</summary>
    private UserInfo Impersonate(HttpRequest req, UserInfo user)
    {
        if (!req.Headers.Keys.Any(k => k.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase))) return user;
        var headers = req.Headers.ToDictionary(h => h.Key, h => (IReadOnlyList<string>)h.Value
            .Select(v => v ?? "").Where(v => v.Length > 0).ToList(), StringComparer.OrdinalIgnoreCase);
        return _impersonation.Apply(user, headers);
    }

    // ------------------------------------------------------------------ authorization

    private void Authorize(UserInfo user, RequestInfo info)
    {
        var a = new RequestAttributes(user, info.Verb, info.IsResourceRequest, info.Path, info.ApiGroup, info.ApiVersion,
            info.Resource, info.Subresource, info.Namespace, info.Name);
        var d = _authorizer.Authorize(a);
        if (!d.Allowed) throw ApiErrors.Forbidden(a, d.Reason);
    }

    // ------------------------------------------------------------------ dispatch

    private async Task<Reply> DispatchAsync(HttpContext ctx, RequestInfo info, UserInfo user, Dictionary<string, string> query)
    {
        var rc = new RequestContext(user, info.Verb, info.Namespace.Length > 0 ? info.Namespace : null, info.Name.Length > 0 ? info.Name : null, query);
        if (!info.IsResourceRequest) return NonResource(ctx, info, rc);

        var type = ResourceCatalog.Find(info.ApiGroup, info.ApiVersion, info.Resource);
        var virtualHandler = _virtuals.FirstOrDefault(v => v.Group == info.ApiGroup && v.Version == info.ApiVersion
            && v.Resource == info.Resource && (v.Subresource ?? "") == info.Subresource);
        if (!GroupVersionServed(info)) return NotFoundText();
        if (virtualHandler is not null)
        {
            if (!HttpMethods.IsPost(ctx.Request.Method)) throw StatusErrors.MethodNotAllowed();
            if (virtualHandler.Namespaced != (info.Namespace.Length > 0)) throw StatusErrors.NotFoundGeneric();
            var body = await BodyDecoder.ReadObjectAsync(ctx.Request, virtualHandler.Kind, InternalGroup(virtualHandler.BodyGroup), virtualHandler.BodyGroup, virtualHandler.Version);
            var result = virtualHandler.Create(rc, body);
            return JsonReply(201, result);
        }
        if (type?.Plural == "pods" && info.Subresource == "log" && info.Namespace.Length > 0 && info.Name.Length > 0)
        {
            if (!HttpMethods.IsGet(ctx.Request.Method)) throw StatusErrors.MethodNotAllowed();
            var (status, contentType, log) = _podLogs.Read(info.Namespace, info.Name, query);
            return new Reply(status, contentType, log);
        }
        if (type is null || info.Subresource.Length > 0 || (info.Namespace.Length > 0 && !type.Namespaced && type.Plural != "namespaces"))
            throw StatusErrors.NotFoundGeneric();
        return await _resources.HandleAsync(ctx, info, type, rc, _admissionChecks);
    }

    private static string InternalGroup(string group) => group.Length == 0 ? "core" : group.Split('.')[0];

    private bool GroupVersionServed(RequestInfo info)
    {
        if (info.ApiPrefix == "api") return info.ApiVersion == "v1";
        return info.ApiGroup is "rbac.authorization.k8s.io" or "authentication.k8s.io" or "authorization.k8s.io" or "apps" or "batch" && info.ApiVersion == "v1";
    }

    private Reply NonResource(HttpContext ctx, RequestInfo info, RequestContext rc)
    {
        var path = info.Path.Length > 1 ? info.Path.TrimEnd('/') : info.Path;
        if (_nonResource.TryGetValue(path, out var handler))
        {
            var r = handler.Handle(rc, ctx.Request.Headers.Accept.Count == 0 ? null : ctx.Request.Headers.Accept.ToString());
            return new Reply(r.StatusCode, r.ContentType, r.Body);
        }
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method))
            return path is "/version" or "/api" or "/apis" or "/api/v1" ? throw StatusErrors.MethodNotAllowed() : NotFoundText();
        switch (path)
        {
            case "/version": return JsonReply(200, _discovery.Version);
            case "/api": return JsonReply(200, _discovery.Api);
            case "/apis": return JsonReply(200, _discovery.Apis);
            case "/api/v1": return JsonReply(200, _discovery.CoreV1);
            case "/healthz" or "/livez" or "/readyz":
                return new Reply(200, TextPlain, "ok"u8.ToArray());
        }
        var parts = path.Trim('/').Split('/');
        if (parts.Length == 2 && parts[0] == "apis")
            return _discovery.Group(parts[1]) is { } g ? JsonReply(200, g) : NotFoundText();
        if (parts.Length == 3 && parts[0] == "apis")
        {
            if (_discovery.GroupVersion(parts[1], parts[2]) is { } gv) return JsonReply(200, gv);
            // A known group answers an unknown version with a Status (recorded err-unknown-version).
            if (_discovery.HasGroup(parts[1])) throw StatusErrors.NotFoundGeneric();
        }
        return NotFoundText();
    }

    /// <summary>The Go mux's plain-text 404 (recorded err-unknown-group).</summary>
    public static Reply NotFoundText() => new(404, TextPlain, "404 page not found\n"u8.ToArray());

    public static Reply JsonReply(int status, JsonNode body) => new(status, Json, JsonSerializer.SerializeToUtf8Bytes(body));
}
