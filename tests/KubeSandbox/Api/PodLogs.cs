using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KubeSandbox.Storage;

namespace KubeSandbox.Api;

/// <summary>
/// <c>GET /api/v1/namespaces/{ns}/pods/{name}/log</c> (<c>kubectl logs</c>): the checks of
/// pkg/registry/core/pod/strategy.go LogLocation (one container must be named when a pod has several; the
/// container must exist; the pod must be bound to a node), then what the kubelet would stream, as text/plain. No
/// container runs in the sandbox: a running container's log is a line saying it started, followed by whatever
/// tests <see cref="Append"/>. Supported options: container, tailLines, limitBytes, timestamps; previous answers as
/// for a container that never restarted; follow returns what there is and ends.
/// </summary>
public sealed class PodLogs(InMemoryObjectStore store)
{
    private readonly ConcurrentDictionary<string, StringBuilder> _appended = new(StringComparer.Ordinal);

    /// <summary>Adds a line to a container's log (what the container "wrote").</summary>
    public void Append(string ns, string pod, string container, string line)
    {
        var sb = _appended.GetOrAdd($"{ns}/{pod}/{container}", _ => new StringBuilder());
        lock (sb) sb.Append(line).Append('\n');
    }

    public (int Status, string ContentType, byte[] Body) Read(string ns, string name, IReadOnlyDictionary<string, string> query)
    {
        var pod = store.Get("pods", ns, name) ?? throw StatusErrors.NotFound(ResourceCatalog.Get("pods"), name);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? new JsonArray()).OfType<JsonObject>()
            .Select(c => c["name"]?.GetValue<string>() ?? "").ToList();
        query.TryGetValue("container", out var container);
        if (string.IsNullOrEmpty(container))
        {
            if (containers.Count != 1)
                throw StatusErrors.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(" ", containers)}]");
            container = containers[0];
        }
        else if (!containers.Contains(container))
        {
            throw StatusErrors.BadRequest($"container {container} is not valid for pod {name}");
        }
        if (pod["spec"]?["nodeName"]?.GetValue<string>() is not { Length: > 0 })
            throw StatusErrors.BadRequest($"pod {name} does not have a host assigned");
        if (query.TryGetValue("previous", out var previous) && previous == "true")
            throw StatusErrors.BadRequest($"previous terminated container \"{container}\" in pod \"{name}\" not found");
        var status = (pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(s => s["name"]?.GetValue<string>() == container);
        var state = status?["state"] as JsonObject;
        if (state is null || state["waiting"] is JsonObject)
            throw StatusErrors.BadRequest($"container \"{container}\" in pod \"{name}\" is waiting to start: {state?["waiting"]?["reason"]?.GetValue<string>() ?? "ContainerCreating"}");
        var started = (state["running"] ?? state["terminated"])?["startedAt"]?.GetValue<string>() ?? InMemoryObjectStore.FormatTime(store.Now);

        var lines = new List<string> { $"container {container} started ({status?["image"]?.GetValue<string>()})" };
        if (_appended.TryGetValue($"{ns}/{name}/{container}", out var sb))
            lock (sb) lines.AddRange(sb.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        if (query.TryGetValue("tailLines", out var tail) && long.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n < lines.Count)
            lines = lines.Skip(lines.Count - (int)n).ToList();
        var timestamps = query.TryGetValue("timestamps", out var ts) && ts == "true";
        var startedAt = DateTimeOffset.Parse(started, CultureInfo.InvariantCulture).UtcDateTime;
        var text = string.Concat(lines.Select(l => (timestamps ? startedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff00'Z'", CultureInfo.InvariantCulture) + " " : "") + l + "\n"));
        var body = Encoding.UTF8.GetBytes(text);
        if (query.TryGetValue("limitBytes", out var limit) && int.TryParse(limit, out var max) && max > 0 && max < body.Length)
            body = body[..max];
        return (200, "text/plain", body);
    }
}
