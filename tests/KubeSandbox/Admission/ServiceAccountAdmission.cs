using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Storage;

namespace KubeSandbox.Admission;

/// <summary>
/// The ServiceAccount admission plugin for pods (plugin/pkg/admission/serviceaccount/admission.go): defaults
/// spec.serviceAccountName to "default", refuses a pod whose ServiceAccount does not exist (403, recorded
/// tr-setup-pod-missing-sa), and unless automount is off (the pod's automountServiceAccountToken, else the
/// ServiceAccount's) adds the projected kube-api-access-xxxxx volume and mounts it read-only in every container
/// at /var/run/secrets/kubernetes.io/serviceaccount.
/// </summary>
public sealed class ServiceAccountAdmission
{
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
    // k8s.io/apimachinery pkg/util/rand: the alphabet without vowels and confusable characters.
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
    private readonly IObjectStore _store;
    private readonly Random _random;

    public ServiceAccountAdmission(IObjectStore store, int seed)
    {
        _store = store;
        _random = new Random(seed ^ 0x5A17);
    }

    public string RandomSuffix(int n = 5)
    {
        lock (_random)
            return new string(Enumerable.Range(0, n).Select(_ => Alphabet[_random.Next(Alphabet.Length)]).ToArray());
    }

    public void Admit(string @namespace, JsonObject pod)
    {
        var meta = pod["metadata"] as JsonObject;
        // Mirror pods (static pods of a kubelet) are left alone.
        if (meta?["annotations"]?["kubernetes.io/config.mirror"] is not null) return;
        var spec = pod["spec"] as JsonObject ?? new JsonObject();
        pod["spec"] = spec;
        var saName = spec["serviceAccountName"]?.GetValue<string>();
        if (string.IsNullOrEmpty(saName))
        {
            saName = "default";
            spec["serviceAccountName"] = saName;
        }
        // Read-only: the stored object itself when the store can give it (no copy per pod).
        var sa = _store is InMemoryObjectStore memory ? memory.GetStored("serviceaccounts", @namespace, saName)?.Object : _store.Get("serviceaccounts", @namespace, saName);
        if (sa is null)
        {
            var podName = meta?["name"]?.GetValue<string>() ?? "";
            throw StatusErrors.Forbidden(ResourceCatalog.Get("pods"), podName,
                $"error looking up service account {@namespace}/{saName}: serviceaccount \"{saName}\" not found");
        }
        if (!ShouldAutomount(sa, spec)) return;
        // mountServiceAccountToken: a kube-api-access-* volume the pod already has is mounted, not added again
        // (a pod re-created from its exported YAML); only otherwise is a name generated.
        var existing = (spec["volumes"] as JsonArray)?.OfType<JsonObject>()
            .Select(v => v["name"]?.GetValue<string>())
            .FirstOrDefault(n => n is not null && n.StartsWith(VolumeNamePrefix, StringComparison.Ordinal));
        AddApiAccessVolume(spec, existing ?? VolumeNamePrefix + RandomSuffix(), addVolume: existing is null);
    }

    private const string VolumeNamePrefix = "kube-api-access-";

    private static bool ShouldAutomount(JsonObject sa, JsonObject spec)
    {
        if (spec["automountServiceAccountToken"] is JsonValue pv && pv.TryGetValue<bool>(out var p)) return p;
        if (sa["automountServiceAccountToken"] is JsonValue sv && sv.TryGetValue<bool>(out var s)) return s;
        return true;
    }

    /// <summary>The projected volume of TokenVolumeSource (admission.go TokenVolumeSource) and its mounts; with
    /// <paramref name="addVolume"/> false only the mounts (the pod has the volume already).</summary>
    public static void AddApiAccessVolume(JsonObject spec, string volumeName, bool addVolume = true)
    {
        var containers = (spec["containers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? new List<JsonObject>();
        var inits = (spec["initContainers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? new List<JsonObject>();
        // A container that already mounts something at the token path keeps its own mount.
        var needing = inits.Concat(containers).Where(c => !(c["volumeMounts"] as JsonArray ?? new JsonArray()).OfType<JsonObject>()
            .Any(m => m["mountPath"]?.GetValue<string>() == MountPath)).ToList();
        if (needing.Count == 0) return;
        foreach (var c in needing)
        {
            var mounts = c["volumeMounts"] as JsonArray ?? new JsonArray();
            mounts.Add(new JsonObject { ["name"] = volumeName, ["readOnly"] = true, ["mountPath"] = MountPath });
            c["volumeMounts"] = mounts;
        }
        if (!addVolume) return;
        var volumes = spec["volumes"] as JsonArray ?? new JsonArray();
        volumes.Add(new JsonObject
        {
            ["name"] = volumeName,
            ["projected"] = new JsonObject
            {
                ["sources"] = new JsonArray(
                    new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } },
                    new JsonObject
                    {
                        ["configMap"] = new JsonObject
                        {
                            ["name"] = "kube-root-ca.crt",
                            ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }),
                        },
                    },
                    new JsonObject
                    {
                        ["downwardAPI"] = new JsonObject
                        {
                            ["items"] = new JsonArray(new JsonObject
                            {
                                ["path"] = "namespace",
                                ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" },
                            }),
                        },
                    }),
                ["defaultMode"] = 420,
            },
        });
        spec["volumes"] = volumes;
    }
}
