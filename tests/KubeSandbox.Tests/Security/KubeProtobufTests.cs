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

        Assert.Equal("{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"metadata\":{\"name\":\"runner\",\"namespace\":\"alpha\"}," +
                     "\"spec\":{\"audiences\":[\"vault\",\"x\"],\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"runner-pod\",\"uid\":\"\"},\"expirationSeconds\":600}}",
            json!.ToJsonString());
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
