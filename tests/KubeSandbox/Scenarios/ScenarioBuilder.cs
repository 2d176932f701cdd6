using System.Text.Json.Nodes;
using KubeSandbox.Admission;
using KubeSandbox.Storage;

namespace KubeSandbox.Scenarios;

/// <summary>
/// Writes scenario objects straight into the store (no HTTP), with the same defaulting and admission an API
/// create would apply, so a scenario's objects look exactly like ones created through the API.
/// </summary>
public sealed class ScenarioBuilder(InMemoryObjectStore store, ServiceAccountAdmission saAdmission)
{
    public InMemoryObjectStore Store => store;

    /// <summary>The release the sandbox answers as, for scenario objects that only some releases have.</summary>
    public KubernetesRelease Release { get; set; } = KubernetesRelease.Parse(KubernetesRelease.Default);

    /// <summary>When set (by <see cref="ClusterNodes"/>), every pod the scenario creates afterwards is given a node
    /// and the status of a running pod, as the scheduler and kubelet would; pods created through the API stay
    /// Pending.</summary>
    public Action<JsonObject>? PodPlacement { get; set; }

    public StoredObject Create(string resource, string? ns, JsonObject obj)
    {
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = meta;
        meta.Remove("creationTimestamp");
        if (ResourceCatalog.Get(resource).Namespaced) meta["namespace"] = ns;
        if (resource == "pods")
        {
            saAdmission.Admit(ns!, obj);
            PodPlacement?.Invoke(obj);
        }
        ObjectDefaults.Apply(resource, obj, true);
        return store.CreateStored(resource, ns, obj);
    }

    public StoredObject Namespace(string name, JsonObject? labels = null) =>
        Create("namespaces", null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels } });

    public StoredObject ServiceAccount(string ns, string name, bool? automount = null, JsonObject? annotations = null, JsonObject? labels = null)
    {
        var o = new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["annotations"] = annotations, ["labels"] = labels } };
        if (automount is { } a) o["automountServiceAccountToken"] = a;
        return Create("serviceaccounts", ns, o);
    }

    public static JsonArray Array(params string[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    public static JsonObject Rule(string[] apiGroups, string[] resources, string[] verbs, string[]? resourceNames = null)
    {
        var r = new JsonObject { ["verbs"] = Array(verbs), ["apiGroups"] = Array(apiGroups), ["resources"] = Array(resources) };
        if (resourceNames is not null) r["resourceNames"] = Array(resourceNames);
        return r;
    }

    public StoredObject Role(string ns, string name, params JsonObject[] rules) =>
        Create("roles", ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["rules"] = new JsonArray(rules) });

    public StoredObject ClusterRole(string name, JsonObject? labels, params JsonObject[] rules) =>
        Create("clusterroles", null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels }, ["rules"] = new JsonArray(rules) });

    public static JsonObject SaSubject(string ns, string name) => new() { ["kind"] = "ServiceAccount", ["name"] = name, ["namespace"] = ns };
    public static JsonObject GroupSubject(string name) => new() { ["kind"] = "Group", ["apiGroup"] = "rbac.authorization.k8s.io", ["name"] = name };
    public static JsonObject UserSubject(string name) => new() { ["kind"] = "User", ["apiGroup"] = "rbac.authorization.k8s.io", ["name"] = name };

    public StoredObject RoleBinding(string ns, string name, string roleKind, string roleName, params JsonObject[] subjects) =>
        Create("rolebindings", ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["subjects"] = new JsonArray(subjects),
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = roleKind, ["name"] = roleName },
        });

    public StoredObject ClusterRoleBinding(string name, string roleName, params JsonObject[] subjects) =>
        Create("clusterrolebindings", null, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["subjects"] = new JsonArray(subjects),
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = roleName },
        });

    public StoredObject Pod(string ns, string name, string? serviceAccount, bool? automount = null, JsonArray? ownerReferences = null, JsonArray? volumes = null, JsonObject? labels = null)
    {
        var spec = new JsonObject();
        if (volumes is not null) spec["volumes"] = volumes;
        spec["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "registry.example.com/app:1.0" });
        if (serviceAccount is not null) spec["serviceAccountName"] = serviceAccount;
        if (automount is { } a) spec["automountServiceAccountToken"] = a;
        return Create("pods", ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels, ["ownerReferences"] = ownerReferences },
            ["spec"] = spec,
        });
    }

    /// <summary>
    /// An apps/v1 or batch/v1 workload with a one-container pod template labelled <paramref name="podLabels"/>;
    /// apps kinds select those labels. <paramref name="spec"/> adds kind-specific fields (replicas, serviceName,
    /// schedule...). A CronJob's template goes under jobTemplate. The caller sets ownerReferences to the owner's
    /// stored uid, as the controllers do.
    /// </summary>
    public StoredObject Workload(string resource, string ns, string name, string serviceAccount, JsonObject podLabels,
        JsonObject? spec = null, JsonObject? labels = null, JsonArray? ownerReferences = null, bool? automount = null)
    {
        var podSpec = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "registry.example.com/" + name + ":1.0" }),
        };
        if (resource is "jobs" or "cronjobs") podSpec["restartPolicy"] = "OnFailure";
        podSpec["serviceAccountName"] = serviceAccount;
        if (automount is { } a) podSpec["automountServiceAccountToken"] = a;
        var template = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = podLabels.DeepClone() }, ["spec"] = podSpec };
        var s = spec ?? new JsonObject();
        if (resource == "cronjobs")
            s["jobTemplate"] = new JsonObject { ["spec"] = new JsonObject { ["template"] = template } };
        else
        {
            if (resource != "jobs") s["selector"] = new JsonObject { ["matchLabels"] = podLabels.DeepClone() };
            s["template"] = template;
        }
        return Create(resource, ns, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels, ["ownerReferences"] = ownerReferences },
            ["spec"] = s,
        });
    }

    /// <summary>The controller reference to a stored object (kind, apiVersion, name and uid from the object).</summary>
    public static JsonObject ControllerReference(StoredObject owner) => OwnerReference(
        owner.Object["apiVersion"]!.GetValue<string>(), owner.Object["kind"]!.GetValue<string>(),
        owner.Name, owner.Object["metadata"]!["uid"]!.GetValue<string>());

    /// <summary>A kubernetes.io/service-account-token Secret; the token controller fills its data.</summary>
    public StoredObject LegacyTokenSecret(string ns, string name, string serviceAccount, JsonObject? labels = null) =>
        Create("secrets", ns, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = labels,
                ["annotations"] = new JsonObject { ["kubernetes.io/service-account.name"] = serviceAccount },
            },
            ["type"] = "kubernetes.io/service-account-token",
        });

    public static JsonObject OwnerReference(string apiVersion, string kind, string name, string uid) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["name"] = name,
        ["uid"] = uid,
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };
}
