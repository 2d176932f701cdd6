using System.Globalization;
using System.Text.Json.Nodes;
using KubeSandbox.Storage;

namespace KubeSandbox.Scenarios;

/// <summary>
/// The nodes of a scenario and the pods that run on them: v1 Nodes as a kubelet registers them (labels of
/// pkg/kubelet/kubelet_node_status.go, Ready and pressure conditions, addresses, nodeInfo, capacity), and, once
/// <see cref="Load"/> has set <see cref="ScenarioBuilder.PodPlacement"/>, every pod the scenario creates is bound to
/// a worker (round robin, deterministic) with the status its kubelet reports for a running pod
/// (pkg/kubelet/status/generate.go conditions, podIP from the node's podCIDR, hostIP, startTime, a running
/// containerStatus per container). A pod owned by a Job has run to completion (Succeeded, containers terminated
/// with exit code 0). Bound pods are what lets pod-bound tokens carry node claims on 1.33.
/// </summary>
public sealed class ClusterNodes
{
    private readonly List<(string Name, string Uid, string InternalIp, string PodCidrPrefix)> _workers = new();
    private readonly Dictionary<string, int> _podsOnNode = new(StringComparer.Ordinal);
    private readonly string _now;
    private int _next;

    private readonly KubernetesRelease _release;

    private ClusterNodes(string now, KubernetesRelease release)
    {
        _now = now;
        _release = release;
    }

    /// <summary>Names of the worker nodes pods are placed on.</summary>
    public IReadOnlyList<string> Workers => _workers.Select(w => w.Name).ToList();

    /// <summary>Creates one control-plane node (<c>{prefix}-control-plane</c>) and <paramref name="workers"/>
    /// workers (<c>{prefix}-worker</c>, <c>{prefix}-worker2</c>..., kind's names), then places the scenario's
    /// pods on the workers.</summary>
    public static ClusterNodes Load(ScenarioBuilder b, KubernetesRelease release, int workers, string prefix = "sandbox")
    {
        var nodes = new ClusterNodes(InMemoryObjectStore.FormatTime(b.Store.Now), release);
        var kubelet = release.Minor >= 33 ? "v1.33.0" : "v1.26.0";
        nodes.Create(b, prefix + "-control-plane", 0, kubelet, controlPlane: true);
        for (var i = 1; i <= Math.Max(1, workers); i++)
            nodes.Create(b, i == 1 ? prefix + "-worker" : $"{prefix}-worker{i}", i, kubelet, controlPlane: false);
        b.PodPlacement = nodes.Place;
        return nodes;
    }

    private void Create(ScenarioBuilder b, string name, int index, string kubeletVersion, bool controlPlane)
    {
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
        };
        if (controlPlane) labels["node-role.kubernetes.io/control-plane"] = "";
        // Addresses and CIDRs as kind allocates them: nodes in 172.18.0.0/16, pods in 10.244.<n>.0/24.
        var internalIp = $"172.18.0.{index + 2}";
        var podCidr = $"10.244.{index}.0/24";
        var condition = (string type, string status, string reason, string message) => new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastHeartbeatTime"] = _now,
            ["lastTransitionTime"] = _now,
            ["reason"] = reason,
            ["message"] = message,
        };
        var resources = new JsonObject
        {
            ["cpu"] = "8",
            ["ephemeral-storage"] = "102626232Ki",
            ["hugepages-1Gi"] = "0",
            ["hugepages-2Mi"] = "0",
            ["memory"] = "32863268Ki",
            ["pods"] = "110",
        };
        var node = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = labels,
                ["annotations"] = new JsonObject { ["node.alpha.kubernetes.io/ttl"] = "0", ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true" },
            },
            ["spec"] = new JsonObject
            {
                ["podCIDR"] = podCidr,
                ["podCIDRs"] = new JsonArray(podCidr),
                ["providerID"] = "kind://docker/sandbox/" + name,
                ["taints"] = controlPlane
                    ? new JsonArray(new JsonObject { ["key"] = "node-role.kubernetes.io/control-plane", ["effect"] = "NoSchedule" })
                    : null,
            },
            ["status"] = new JsonObject
            {
                ["capacity"] = resources.DeepClone(),
                ["allocatable"] = resources.DeepClone(),
                ["conditions"] = new JsonArray(
                    condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = internalIp },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["machineID"] = Hex(name, "machine", 32),
                    ["systemUUID"] = SyntheticUids.For("Node", "", name),
                    ["bootID"] = SyntheticUids.For("Boot", "", name),
                    ["kernelVersion"] = "6.8.0-1021-azure",
                    ["osImage"] = "Debian GNU/Linux 12 (bookworm)",
                    ["containerRuntimeVersion"] = "containerd://2.0.3",
                    ["kubeletVersion"] = kubeletVersion,
                    ["kubeProxyVersion"] = kubeletVersion,
                    ["operatingSystem"] = "linux",
                    ["architecture"] = "amd64",
                },
            },
        };
        if (!controlPlane) ((JsonObject)node["spec"]!).Remove("taints");
        var stored = b.Create("nodes", null, node);
        if (!controlPlane)
            _workers.Add((name, stored.Object["metadata"]!["uid"]!.GetValue<string>(), internalIp, $"10.244.{index}."));
    }

    /// <summary>Binds one pod (before it is stored) to the next worker and gives it a running pod's status.</summary>
    private void Place(JsonObject pod)
    {
        if (_workers.Count == 0) return;
        var spec = pod["spec"] as JsonObject;
        if (spec is null || spec["nodeName"] is not null) return;
        var (node, _, hostIp, podPrefix) = _workers[_next++ % _workers.Count];
        spec["nodeName"] = node;
        var n = _podsOnNode[node] = _podsOnNode.GetValueOrDefault(node) + 1;
        var podIp = podPrefix + (n + 1).ToString(CultureInfo.InvariantCulture);
        var name = pod["metadata"]?["name"]?.GetValue<string>() ?? "";
        var ns = pod["metadata"]?["namespace"]?.GetValue<string>() ?? "";
        var completed = (pod["metadata"]?["ownerReferences"] as JsonArray)?.OfType<JsonObject>()
            .Any(o => o["kind"]?.GetValue<string>() == "Job") == true;
        var condition = (string type, string status, string? reason) =>
        {
            var c = new JsonObject { ["type"] = type, ["status"] = status, ["lastProbeTime"] = null, ["lastTransitionTime"] = _now };
            if (reason is not null) c["reason"] = reason;
            return c;
        };
        var containers = (spec["containers"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().Select(c =>
        {
            var image = c["image"]?.GetValue<string>() ?? "";
            var state = completed
                ? new JsonObject
                {
                    ["terminated"] = new JsonObject
                    {
                        ["exitCode"] = 0, ["reason"] = "Completed", ["startedAt"] = _now, ["finishedAt"] = _now,
                        ["containerID"] = "containerd://" + Hex(ns + "/" + name, c["name"]?.GetValue<string>() ?? "", 64),
                    },
                }
                : new JsonObject { ["running"] = new JsonObject { ["startedAt"] = _now } };
            return (JsonNode)new JsonObject
            {
                ["name"] = c["name"]?.DeepClone(),
                ["state"] = state,
                ["lastState"] = new JsonObject(),
                ["ready"] = !completed,
                ["restartCount"] = 0,
                ["image"] = image,
                ["imageID"] = image.Split(':')[0] + "@sha256:" + Hex(image, "image", 64),
                ["containerID"] = "containerd://" + Hex(ns + "/" + name, c["name"]?.GetValue<string>() ?? "", 64),
                ["started"] = !completed,
            };
        }).ToArray();
        var ready = completed ? "False" : "True";
        pod["status"] = new JsonObject
        {
            ["phase"] = completed ? "Succeeded" : "Running",
            ["conditions"] = new JsonArray(new[]
            {
                // PodReadyToStartContainersCondition: beta (on) from 1.29; 1.26 reported no such condition.
                _release.Minor >= 29 ? condition("PodReadyToStartContainers", completed ? "False" : "True", null) : null,
                condition("Initialized", "True", completed ? "PodCompleted" : null),
                condition("Ready", ready, completed ? "PodCompleted" : null),
                condition("ContainersReady", ready, completed ? "PodCompleted" : null),
                condition("PodScheduled", "True", null),
            }.Where(c => c is not null).Select(c => (JsonNode)c!).ToArray()),
            ["hostIP"] = hostIp,
            // PodHostIPs (GA 1.30): status.hostIPs beside hostIP.
            ["hostIPs"] = _release.Minor >= 30 ? new JsonArray(new JsonObject { ["ip"] = hostIp }) : null,
            ["podIP"] = podIp,
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp }),
            ["startTime"] = _now,
            ["containerStatuses"] = new JsonArray(containers),
            ["qosClass"] = "BestEffort",
        };
        if (_release.Minor < 30) ((JsonObject)pod["status"]!).Remove("hostIPs");
    }

    private static string Hex(string a, string b, int length)
    {
        var h = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(a + "\n" + b));
        return Convert.ToHexString(h).ToLowerInvariant()[..Math.Min(length, 64)];
    }
}
