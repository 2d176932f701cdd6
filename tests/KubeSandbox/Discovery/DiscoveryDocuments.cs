using System.Reflection;
using System.Text.Json.Nodes;

namespace KubeSandbox.Discovery;

/// <summary>
/// The discovery documents, as the recorded v1.26 kube-apiserver served them (Discovery/Documents/*.json, copied
/// from ../shared/k8s/recorded/transcripts.jsonl): /version, /api, /api/v1, /apis and the group versions of
/// rbac, authentication and authorization. The other group versions /apis lists are answered with their v1.26
/// resource lists (written for the sandbox): apps/v1 and batch/v1 list the workloads the sandbox stores; the
/// resources of the other groups are not served. A complete discovery is what lets kubectl cache it, as it does
/// not cache a group version with no resources. On 1.33 (<see cref="KubernetesRelease"/>) /version is a v1.33
/// build's (version-1.33.json) and authentication.k8s.io/v1 lists selfsubjectreviews (GA in 1.28); the other
/// documents stay the recorded ones.
/// </summary>
public sealed class DiscoveryDocuments
{
    private readonly Dictionary<string, JsonObject> _docs = new(StringComparer.Ordinal);
    private readonly string _advertisedAddress;
    private readonly KubernetesRelease _release;

    public DiscoveryDocuments(string advertisedAddress, KubernetesRelease? release = null)
    {
        _advertisedAddress = advertisedAddress;
        _release = release ?? KubernetesRelease.V126;
        var asm = typeof(DiscoveryDocuments).Assembly;
        foreach (var res in asm.GetManifestResourceNames().Where(n => n.Contains(".Discovery.Documents.", StringComparison.Ordinal)))
        {
            using var s = asm.GetManifestResourceStream(res)!;
            var name = res[(res.IndexOf(".Discovery.Documents.", StringComparison.Ordinal) + ".Discovery.Documents.".Length)..^".json".Length];
            _docs[name] = (JsonObject)JsonNode.Parse(s)!;
        }
    }

    /// <summary>The API groups /apis lists: name -> versions.</summary>
    public IEnumerable<JsonObject> Groups => ((JsonArray)_docs["apis"]["groups"]!).OfType<JsonObject>();

    public JsonObject Version => Clone(_release.VersionDocument);

    public JsonObject Api
    {
        get
        {
            var d = Clone("api");
            d["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = _advertisedAddress });
            return d;
        }
    }

    public JsonObject Apis => Clone("apis");

    public JsonObject CoreV1 => Clone("api-v1");

    /// <summary>The APIGroup document of /apis/{group}, or null for a group the server does not have.</summary>
    public JsonObject? Group(string group)
    {
        var g = Groups.FirstOrDefault(x => x["name"]?.GetValue<string>() == group);
        if (g is null) return null;
        var d = new JsonObject { ["kind"] = "APIGroup", ["apiVersion"] = "v1" };
        foreach (var (k, v) in g) d[k] = v?.DeepClone();
        return d;
    }

    public bool HasGroup(string group) => Groups.Any(x => x["name"]?.GetValue<string>() == group);

    /// <summary>The APIResourceList of /apis/{group}/{version}; null when the group does not serve that version.</summary>
    public JsonObject? GroupVersion(string group, string version)
    {
        if (_docs.TryGetValue($"apis-{group}-{version}", out var doc))
        {
            var d = (JsonObject)doc.DeepClone();
            if (group == "authentication.k8s.io" && version == "v1" && _release.ListsSelfSubjectReview)
            {
                // pkg/registry/authentication/rest/storage_authentication.go: selfsubjectreviews in v1 from 1.28.
                ((JsonArray)d["resources"]!).Add(new JsonObject
                {
                    ["name"] = "selfsubjectreviews", ["singularName"] = "selfsubjectreview", ["namespaced"] = false,
                    ["kind"] = "SelfSubjectReview", ["verbs"] = new JsonArray("create"),
                });
            }
            return d;
        }
        var g = Groups.FirstOrDefault(x => x["name"]?.GetValue<string>() == group);
        if (g?["versions"] is not JsonArray versions || !versions.OfType<JsonObject>().Any(v => v["version"]?.GetValue<string>() == version))
            return null;
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = $"{group}/{version}",
            ["resources"] = new JsonArray(),
        };
    }

    private JsonObject Clone(string name) => (JsonObject)_docs[name].DeepClone();
}
