using System.Text.Json;
using k8s;
using k8s.Models;
using SaTools.Engine.Audit;

namespace SaTools.Engine.Tests.Audit;

/// <summary>The audit's pod record is the same whether the pod comes from the cluster's trimmed list parse, from a
/// full parse, or from an exported file, and keeps what the checks read (SA02, SA07, SA08) and nothing else.</summary>
public class AuditPodTests
{
    // As kube-apiserver serves them. web: a ReplicaSet's pod with the admission plugin's token volume (no audience),
    // a legacy token Secret as a volume, Secrets through a projected volume, env and envFrom (db twice), plus
    // what the audit does not read (managedFields, images, ports, tolerations, status conditions).
    // job-pod: its own projected token (audience vault, 7200 s), automount off, a Secret read by an ephemeral
    // container.
    private const string PodList = """
        {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"91"},"items":[
          {"metadata":{"name":"web-5d8f7-abcde","namespace":"shop","uid":"u1","creationTimestamp":"2026-01-02T03:04:05Z",
            "labels":{"pod-template-hash":"5d8f7"},
            "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-5d8f7","uid":"rs1","controller":true}],
            "managedFields":[{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2026-01-02T03:04:05Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{}}}]},
           "spec":{"volumes":[
              {"name":"kube-api-access-x","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt"}}]}},
              {"name":"legacy","secret":{"secretName":"in-use-token","defaultMode":420}},
              {"name":"bundle","projected":{"sources":[{"secret":{"name":"tls","items":[{"key":"tls.crt","path":"tls.crt"}]}}]}}],
            "initContainers":[{"name":"init","image":"busybox","envFrom":[{"secretRef":{"name":"db"}},{"configMapRef":{"name":"cfg"}}]}],
            "containers":[{"name":"app","image":"nginx","ports":[{"containerPort":8080}],
              "env":[{"name":"PLAIN","value":"x"},{"name":"PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]}],
            "serviceAccountName":"web","tolerations":[{"operator":"Exists"}]},
           "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}},
          {"metadata":{"name":"job-pod","namespace":"batch","uid":"u2","creationTimestamp":"2026-03-04T05:06:07Z",
            "ownerReferences":[{"apiVersion":"batch/v1","kind":"Job","name":"nightly-1","uid":"j1","controller":true}]},
           "spec":{"automountServiceAccountToken":false,"serviceAccountName":"runner",
            "volumes":[{"name":"vault-token","projected":{"sources":[{"serviceAccountToken":{"audience":"vault","expirationSeconds":7200,"path":"vault"}}]}}],
            "containers":[{"name":"c","image":"busybox"}],
            "ephemeralContainers":[{"name":"debug","image":"busybox","envFrom":[{"secretRef":{"name":"debug-creds"}}]}]},
           "status":{"phase":"Succeeded"}}
        ]}
        """;

    /// <summary>Every field of the record, lists by content.</summary>
    private static string Describe(AuditPod pod) =>
        $"{pod.Facts} | {pod.Mounting?.Created:O} | {pod.ApiServerTokenVolume} | " +
        string.Join(",", pod.DeclaredTokenProjections.Select(p => $"{p.Volume}:{p.Projection.Audience}:{p.Projection.ExpirationSeconds}")) + " | " +
        string.Join(",", pod.SecretNames);

    private static IReadOnlyList<V1Pod> Trimmed() => JsonSerializer.Deserialize<V1PodList>(PodList, AuditPodFields.Fields.Options)!.Items.ToList();

    [Fact]
    public void TheTrimmedParseGivesTheRecordAFullParseGives()
    {
        var full = KubernetesJson.Deserialize<V1PodList>(PodList).Items.Select(AuditPod.From).Select(Describe);
        Assert.Equal(full, Trimmed().Select(AuditPod.From).Select(Describe));
    }

    [Fact]
    public void TheRecordKeepsWhatTheChecksRead()
    {
        var pods = Trimmed().Select(AuditPod.From).ToList();
        var web = pods[0];
        Assert.Equal(("shop", "web-5d8f7-abcde", "web", "ReplicaSet", "5d8f7"),
            (web.Namespace, web.Name, web.Facts.ServiceAccount, web.Facts.ControllerKind, web.Facts.PodTemplateHash));
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), web.Mounting?.Created);
        Assert.Equal(DateTimeKind.Utc, web.Mounting!.Created!.Value.Kind);
        // SA02: the admission plugin's volume has no audience, so the API server accepts its token.
        Assert.True(web.ApiServerTokenVolume);
        // SA08: the admission plugin's volume is not the author's declaration.
        Assert.Empty(web.DeclaredTokenProjections);
        // SA07: every Secret named, each once, whichever way it is named.
        Assert.Equal(["in-use-token", "tls", "db"], web.SecretNames);

        var job = pods[1];
        Assert.False(job.ApiServerTokenVolume);
        var (volume, projection) = Assert.Single(job.DeclaredTokenProjections);
        Assert.Equal(("vault-token", "vault", 7200L), (volume, projection.Audience, projection.ExpirationSeconds!.Value));
        Assert.Equal(["debug-creds"], job.SecretNames);
        Assert.Equal((false, true), (job.Facts.AutomountPod, job.Facts.DeclaresTokenVolume));
    }

    [Fact]
    public void NothingElseOfAPodIsBuilt()
    {
        var pod = Trimmed()[0];
        Assert.Null(pod.Metadata.ManagedFields);
        Assert.Null(pod.Spec.Tolerations);
        Assert.Null(pod.Status.Conditions);
        var container = pod.Spec.Containers[0];
        Assert.Null(container.Image);
        Assert.Null(container.Ports);
        Assert.Null(container.Env[0].Value);
        Assert.Null(pod.Spec.InitContainers[0].EnvFrom[1].ConfigMapRef);
        Assert.Null(pod.Spec.Volumes[0].Projected.Sources[1].ConfigMap);
    }

    [Fact]
    public void AnExportedFileGivesTheSameRecords()
    {
        var dir = Directory.CreateTempSubdirectory("satools-auditpod-");
        try
        {
            // kubectl get pods -A -o json > pods.json: a List whose items say what they are.
            var list = System.Text.Json.Nodes.JsonNode.Parse(PodList)!;
            list["kind"] = "List";
            foreach (var item in list["items"]!.AsArray())
            {
                item!["apiVersion"] = "v1";
                item["kind"] = "Pod";
            }
            var file = Path.Combine(dir.FullName, "pods.json");
            File.WriteAllText(file, list.ToJsonString());
            var snapshot = AuditManifestLoader.LoadFiles([file]);
            Assert.Equal(Trimmed().Select(AuditPod.From).Select(Describe), snapshot.Pods.Select(Describe));
            Assert.Equal(["batch", "shop"], snapshot.Namespaces);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
