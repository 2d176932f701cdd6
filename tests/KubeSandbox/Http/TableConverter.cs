using System.Globalization;
using System.Text.Json.Nodes;
using KubeSandbox.Storage;

namespace KubeSandbox.Http;

/// <summary>
/// Server-side printing for kubectl (Accept: application/json;as=Table;v=v1;g=meta.k8s.io): the default table
/// of k8s.io/apiserver pkg/registry/rest/table.go (Name, Created At), and the columns of
/// pkg/printers/internalversion/printers.go for the kinds whose kubectl output people read most.
/// Rows carry the object's metadata as PartialObjectMetadata (includeObject=Metadata, the default).
/// </summary>
public static class TableConverter
{
    private static readonly JsonObject NameColumn = Column("Name", "string", "name", "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names");

    private static JsonObject Column(string name, string type, string format, string description, int priority = 0) =>
        new() { ["name"] = name, ["type"] = type, ["format"] = format, ["description"] = description, ["priority"] = priority };

    public static JsonObject Convert(ResourceType type, IReadOnlyList<StoredObject> items, long revision, string? cont, long? remaining)
    {
        var columns = new JsonArray { NameColumn.DeepClone() };
        Func<JsonObject, IEnumerable<JsonNode?>> cells;
        switch (type.Plural)
        {
            case "serviceaccounts":
                columns.Add(Column("Secrets", "string", "", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."));
                columns.Add(Column("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created."));
                cells = o => new JsonNode?[] { (o["secrets"] as JsonArray)?.Count ?? 0, Age(o) };
                break;
            case "namespaces":
                columns.Add(Column("Status", "string", "", "The status of the namespace"));
                columns.Add(Column("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created."));
                cells = o => new JsonNode?[] { o["status"]?["phase"]?.GetValue<string>() ?? "", Age(o) };
                break;
            case "pods":
                columns.Add(Column("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic."));
                columns.Add(Column("Status", "string", "", "The aggregate status of the containers in this pod."));
                columns.Add(Column("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."));
                columns.Add(Column("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created."));
                cells = o => new JsonNode?[] { $"0/{(o["spec"]?["containers"] as JsonArray)?.Count ?? 0}", o["status"]?["phase"]?.GetValue<string>() ?? "", "0", Age(o) };
                break;
            case "secrets":
                columns.Add(Column("Type", "string", "", "The type of the secret"));
                columns.Add(Column("Data", "string", "", "The number of entries in the secret"));
                columns.Add(Column("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created."));
                cells = o => new JsonNode?[] { o["type"]?.GetValue<string>() ?? "", (o["data"] as JsonObject)?.Count ?? 0, Age(o) };
                break;
            case "nodes":
                // printers.go printNode: Name, Status, Roles, Age, Version.
                columns.Add(Column("Status", "string", "", "The status of the node"));
                columns.Add(Column("Roles", "string", "", "The roles of the node"));
                columns.Add(Column("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created."));
                columns.Add(Column("Version", "string", "", "Kubelet Version reported by the node."));
                cells = o => new JsonNode?[] { NodeStatus(o), NodeRoles(o), Age(o), o["status"]?["nodeInfo"]?["kubeletVersion"]?.GetValue<string>() ?? "" };
                break;
            default:
                columns.Add(Column("Created At", "date", "", "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"));
                cells = o => new JsonNode?[] { o["metadata"]?["creationTimestamp"]?.DeepClone() };
                break;
        }
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var o = item.Object;
            var rowCells = new JsonArray { o["metadata"]!["name"]!.DeepClone() };
            foreach (var c in cells(o)) rowCells.Add(c?.DeepClone());
            rows.Add(new JsonObject
            {
                ["cells"] = rowCells,
                ["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = o["metadata"]!.DeepClone(),
                },
            });
        }
        var meta = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
        if (cont is not null) meta["continue"] = cont;
        if (remaining is { } r) meta["remainingItemCount"] = r;
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = meta,
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static string NodeStatus(JsonObject o)
    {
        var ready = (o["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready")?["status"]?.GetValue<string>();
        var status = ready == "True" ? "Ready" : "NotReady";
        return o["spec"]?["unschedulable"]?.GetValue<bool>() == true ? status + ",SchedulingDisabled" : status;
    }

    /// <summary>printers.go findNodeRoles: node-role.kubernetes.io/&lt;role&gt; labels, sorted, "&lt;none&gt;" without.</summary>
    private static string NodeRoles(JsonObject o)
    {
        var roles = (o["metadata"]?["labels"] as JsonObject ?? new JsonObject())
            .Select(l => l.Key).Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
            .Select(k => k["node-role.kubernetes.io/".Length..]).Where(r => r.Length > 0).OrderBy(r => r, StringComparer.Ordinal).ToList();
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    private static string Age(JsonObject o)
    {
        var ts = o["metadata"]?["creationTimestamp"]?.GetValue<string>();
        if (ts is null || !DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)) return "<unknown>";
        var d = DateTimeOffset.UtcNow - t;
        if (d.TotalSeconds < 120) return $"{Math.Max(0, (int)d.TotalSeconds)}s";
        if (d.TotalMinutes < 120) return $"{(int)d.TotalMinutes}m";
        if (d.TotalHours < 48) return $"{(int)d.TotalHours}h";
        return $"{(int)d.TotalDays}d";
    }
}
