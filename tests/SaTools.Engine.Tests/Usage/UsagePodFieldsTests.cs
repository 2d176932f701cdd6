using System.Text.Json;
using k8s;
using k8s.Models;
using SaTools.Engine.Usage;

namespace SaTools.Engine.Tests.Usage;

/// <summary>The pod list parsed into the fields the usage join reads gives the join what a full parse gives it,
/// and builds nothing else.</summary>
public class UsagePodFieldsTests
{
    // Two pods as kube-apiserver serves them: managedFields, a timestamp, containers, tolerations, a status with
    // conditions; the first runs a ReplicaSet's pod with the admission plugin's token volume, the second declares
    // its own projected token and sets the deprecated spec.serviceAccount only.
    private const string PodList = """
        {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"91","continue":"next","remainingItemCount":3},"items":[
          {"metadata":{"name":"web-5d8f7-abcde","generateName":"web-5d8f7-","namespace":"shop","uid":"u1","resourceVersion":"90",
            "creationTimestamp":"2026-01-02T03:04:05Z","labels":{"app":"web","pod-template-hash":"5d8f7"},
            "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-5d8f7","uid":"rs1","controller":true,"blockOwnerDeletion":true}],
            "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2026-01-02T03:04:05Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{}}}}}]},
           "spec":{"volumes":[{"name":"kube-api-access-x","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}}],"defaultMode":420}}],
            "containers":[{"name":"app","image":"nginx","resources":{"limits":{"cpu":"500m","memory":"128Mi"}},"ports":[{"containerPort":8080,"protocol":"TCP"}]}],
            "serviceAccountName":"web","serviceAccount":"web","nodeName":"n1",
            "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0},
           "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-01-02T03:04:09Z"}],"hostIP":"10.0.0.1","startTime":"2026-01-02T03:04:05Z"}},
          {"metadata":{"name":"job-pod","namespace":"batch","uid":"u2","ownerReferences":[{"apiVersion":"batch/v1","kind":"Job","name":"nightly-1","uid":"j1","controller":true}]},
           "spec":{"automountServiceAccountToken":false,"serviceAccount":"runner",
            "volumes":[{"name":"vault-token","projected":{"sources":[{"serviceAccountToken":{"audience":"vault","expirationSeconds":600,"path":"vault"}}]}},{"name":"data","emptyDir":{"sizeLimit":"1Gi"}}],
            "containers":[{"name":"c","image":"busybox"}]},
           "status":{"phase":"Succeeded"}}
        ]}
        """;

    [Fact]
    public void TheJoinSeesWhatAFullParseWouldShowIt()
    {
        var full = KubernetesJson.Deserialize<V1PodList>(PodList);
        var trimmed = JsonSerializer.Deserialize<V1PodList>(PodList, UsagePodFields.Fields.Options)!;
        Assert.Equal(full.Items.Select(PodFacts.From), trimmed.Items.Select(PodFacts.From));
        Assert.Equal(new[] { "u1", "u2" }, trimmed.Items.Select(p => p.Metadata.Uid));
        Assert.Equal(("next", 3L), (trimmed.Metadata.ContinueProperty, trimmed.Metadata.RemainingItemCount!.Value));

        var facts = PodFacts.From(trimmed.Items[1]);
        Assert.Equal(("runner", "Job", "nightly-1", false, true, "Succeeded"),
            (facts.ServiceAccount, facts.ControllerKind, facts.ControllerName, facts.AutomountPod, facts.DeclaresTokenVolume, facts.Phase));
        Assert.Equal("5d8f7", PodFacts.From(trimmed.Items[0]).PodTemplateHash);
    }

    [Fact]
    public void NothingElseIsBuilt()
    {
        var pod = JsonSerializer.Deserialize<V1PodList>(PodList, UsagePodFields.Fields.Options)!.Items[0];
        Assert.Null(pod.Metadata.ManagedFields);
        Assert.Null(pod.Metadata.CreationTimestamp);
        Assert.Null(pod.Spec.Containers);
        Assert.Null(pod.Spec.Tolerations);
        Assert.Null(pod.Spec.NodeName);
        Assert.Null(pod.Status.Conditions);
        Assert.Null(pod.Spec.Volumes[0].Projected.Sources[1].ConfigMap);
    }
}
