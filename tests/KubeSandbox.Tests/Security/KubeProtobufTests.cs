using System.Text;
using KubeSandbox.Security;

namespace KubeSandbox.Tests.Security;

/// <summary>The protobuf bodies kubectl's typed clients send, built here field by field as
/// k8s.io/api generated.proto encodes them.</summary>
public sealed class KubeProtobufTests
{
    private static byte[] Varint(ulong v)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(v & 0x7f);
            v >>= 7;
            bytes.Add(v != 0 ? (byte)(b | 0x80) : b);
        } while (v != 0);
        return bytes.ToArray();
    }

    private static byte[] Field(int number, byte[] payload) =>
        Varint((ulong)(number << 3 | 2)).Concat(Varint((ulong)payload.Length)).Concat(payload).ToArray();

    private static byte[] Field(int number, string s) => Field(number, Encoding.UTF8.GetBytes(s));

    private static byte[] Number(int number, long v) => Varint((ulong)(number << 3)).Concat(Varint((ulong)v)).ToArray();

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw) =>
        new byte[] { 0x6b, 0x38, 0x73, 0x00 }
            .Concat(Field(1, Field(1, apiVersion).Concat(Field(2, kind)).ToArray()))
            .Concat(Field(2, raw))
            .Concat(Field(3, "")).Concat(Field(4, ""))
            .ToArray();

    [Fact]
    public void TokenRequestFromKubectlCreateToken()
    {
        var spec = Field(1, "vault").Concat(Field(1, "x"))
            .Concat(Field(3, Field(1, "Pod").Concat(Field(2, "v1")).Concat(Field(3, "runner-pod")).Concat(Field(4, "")).ToArray()))
            .Concat(Number(4, 600)).ToArray();
        var raw = Field(1, Field(1, "runner").Concat(Field(3, "alpha")).ToArray()).Concat(Field(2, spec)).Concat(Field(3, Array.Empty<byte>())).ToArray();

        var json = KubeProtobuf.Decode(Envelope("authentication.k8s.io/v1", "TokenRequest", raw), "TokenRequest");

        // The empty uid is Go's zero value of a plain string: dropped, as the server's JSON would omit it.
        Assert.Equal("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"metadata\":{\"name\":\"runner\",\"namespace\":\"alpha\"}," +
                     "\"spec\":{\"audiences\":[\"vault\",\"x\"],\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"runner-pod\"},\"expirationSeconds\":600}}",
            json!.ToJsonString());
    }

    [Fact]
    public void SecretFromKubectlCreateSecretKeepsBytesAsBase64AndAPointerFalse()
    {
        // Secret: metadata 1, data 2 (map<string, bytes>), type 3, immutable 5 (*bool); ObjectMeta generateName 2 empty.
        var meta = Field(1, "creds").Concat(Field(2, "")).Concat(Field(3, "alpha")).ToArray();
        var raw = Field(1, meta)
            .Concat(Field(2, Field(1, "pass").Concat(Field(2, new byte[] { 0, 0xff, (byte)'x' })).ToArray()))
            .Concat(Field(3, "Opaque")).Concat(Number(5, 0)).ToArray();

        var json = KubeProtobuf.Decode(Envelope("v1", "Secret", raw), "Secret");

        Assert.Equal("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"creds\",\"namespace\":\"alpha\"}," +
                     "\"data\":{\"pass\":\"AP94\"},\"type\":\"Opaque\",\"immutable\":false}", json!.ToJsonString());
    }

    [Fact]
    public void RoleBindingFromKubectlCreateRolebinding()
    {
        var subject = Field(1, "ServiceAccount").Concat(Field(2, "")).Concat(Field(3, "runner")).Concat(Field(4, "alpha")).ToArray();
        var roleRef = Field(1, "rbac.authorization.k8s.io").Concat(Field(2, "Role")).Concat(Field(3, "reader")).ToArray();
        var raw = Field(1, Field(1, "read")).Concat(Field(2, subject)).Concat(Field(3, roleRef)).ToArray();

        var json = KubeProtobuf.Decode(Envelope("rbac.authorization.k8s.io/v1", "RoleBinding", raw), "RoleBinding");

        Assert.Equal("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"read\"}," +
                     "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"runner\",\"namespace\":\"alpha\"}]," +
                     "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"reader\"}}", json!.ToJsonString());
        Assert.True(KubeProtobuf.CanDecode("RoleBinding"));
        Assert.False(KubeProtobuf.CanDecode("Deployment"));
        Assert.False(KubeProtobuf.CanDecode("PolicyRule"));
    }

    [Fact]
    public void SubjectAccessReviewWithExtraAndGroups()
    {
        var extra = Field(5, Field(1, "scopes").Concat(Field(2, Field(1, "a").Concat(Field(1, "b")).ToArray())).ToArray());
        var spec = Field(1, Field(1, "alpha").Concat(Field(2, "get")).Concat(Field(5, "secrets")).ToArray())
            .Concat(Field(3, "jane")).Concat(Field(4, "devs")).Concat(extra).ToArray();

        var json = KubeProtobuf.Decode(Envelope("authorization.k8s.io/v1", "SubjectAccessReview", Field(2, spec)), "SubjectAccessReview");

        Assert.Equal("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"resourceAttributes\":{\"namespace\":\"alpha\",\"verb\":\"get\",\"resource\":\"secrets\"}," +
                     "\"user\":\"jane\",\"groups\":[\"devs\"],\"extra\":{\"scopes\":[\"a\",\"b\"]}}}",
            json!.ToJsonString());
    }

    [Fact]
    public void NotAnEnvelopeOrTruncatedIsRefused()
    {
        Assert.Null(KubeProtobuf.Decode(Encoding.UTF8.GetBytes("{\"kind\":\"TokenRequest\"}"), "TokenRequest"));
        var good = Envelope("authorization.k8s.io/v1", "SelfSubjectRulesReview", Field(2, Field(1, "alpha")));
        Assert.Equal("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectRulesReview\",\"spec\":{\"namespace\":\"alpha\"}}",
            KubeProtobuf.Decode(good, "SelfSubjectRulesReview")!.ToJsonString());
        Assert.Null(KubeProtobuf.Decode(good[..^6], "SelfSubjectRulesReview"));
        Assert.False(KubeProtobuf.CanDecode("Pod"));
    }
}
