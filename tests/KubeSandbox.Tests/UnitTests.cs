using System.Text.Json.Nodes;
using KubeSandbox.Http;
using KubeSandbox.Patching;

namespace KubeSandbox.Tests;

/// <summary>The pure pieces: Go's JSON syntax errors, the patch algorithms, request parsing.</summary>
public sealed class UnitTests
{
    [Theory]
    [InlineData("{not json", "invalid character 'n' looking for beginning of object key string")]
    [InlineData("{\"a\" 1}", "invalid character '1' after object key")]
    [InlineData("{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair")]
    [InlineData("[1 2]", "invalid character '2' after array element")]
    [InlineData("{\"a\":tru}", "invalid character '}' in literal true (expecting 'e')")]
    [InlineData("{\"a\":", "unexpected end of JSON input")]
    [InlineData("{} x", "invalid character 'x' after top-level value")]
    [InlineData("{\"a\":[1,{\"b\":null}],\"c\":-1.5e3}", null)]
    public void Json_syntax_errors_have_gos_words(string text, string? error) =>
        Assert.Equal(error, GoJsonSyntax.Check(text));

    [Fact]
    public void Strategic_merge_merges_containers_by_name_and_replaces_other_lists()
    {
        var pod = JsonNode.Parse("""{"spec":{"containers":[{"name":"a","image":"x:1"},{"name":"b","image":"y:1"}],"tolerations":[{"key":"k1"}]}}""")!;
        var patch = JsonNode.Parse("""{"spec":{"containers":[{"name":"b","image":"y:2"},{"name":"c","image":"z:1"}],"tolerations":[{"key":"k2"}]}}""")!;
        var result = StrategicMergePatch.Apply(pod, patch);
        Assert.Equal("""[{"name":"a","image":"x:1"},{"name":"b","image":"y:2"},{"name":"c","image":"z:1"}]""", result["spec"]!["containers"]!.ToJsonString());
        Assert.Equal("""[{"key":"k2"}]""", result["spec"]!["tolerations"]!.ToJsonString());
        var replaced = StrategicMergePatch.Apply(pod, JsonNode.Parse("""{"spec":{"$patch":"replace","containers":[{"name":"only"}]}}""")!);
        Assert.Equal("""{"containers":[{"name":"only"}]}""", replaced["spec"]!.ToJsonString());
    }

    [Fact]
    public void Json_merge_patch_removes_with_null_and_replaces_lists()
    {
        var doc = JsonNode.Parse("""{"a":{"b":1,"c":2},"l":[1,2]}""")!;
        var result = JsonMergePatch.Apply(doc, JsonNode.Parse("""{"a":{"b":null,"d":3},"l":[3]}"""));
        Assert.Equal("""{"a":{"c":2,"d":3},"l":[3]}""", result!.ToJsonString());
    }

    [Fact]
    public void Json_patch_operations()
    {
        var doc = JsonNode.Parse("""{"a":[1,2],"b":{"c":"x"}}""")!;
        var result = JsonPatch.Apply(doc, JsonNode.Parse("""[{"op":"add","path":"/a/-","value":3},{"op":"move","from":"/b/c","path":"/d"},{"op":"copy","from":"/d","path":"/e"},{"op":"remove","path":"/a/0"},{"op":"test","path":"/e","value":"x"}]"""));
        Assert.Equal("""{"a":[2,3],"b":{},"d":"x","e":"x"}""", result.ToJsonString());
        Assert.Equal(422, Assert.Throws<KubeSandbox.Api.ApiException>(() => JsonPatch.Apply(doc, JsonNode.Parse("""[{"op":"remove","path":"/nope"}]"""))).Code);
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/ns/pods", "", true, "list", "ns", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/pods/p/log", "", true, "get", "ns", "pods", "p", "log")]
    [InlineData("GET", "/api/v1/namespaces/ns", "", true, "get", "ns", "namespaces", "ns", "")]
    [InlineData("DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "", true, "deletecollection", "", "clusterroles", "", "")]
    [InlineData("GET", "/api/v1/namespaces/ns/configmaps", "metadata.name=cm1", true, "list", "ns", "configmaps", "cm1", "")]
    [InlineData("GET", "/apis/rbac.authorization.k8s.io/v1", "", false, "get", "", "", "", "")]
    [InlineData("POST", "/healthz", "", false, "post", "", "", "", "")]
    public void Request_info_as_the_apiserver_parses_it(string method, string path, string fieldSelector, bool resource, string verb, string ns, string res, string name, string sub)
    {
        var q = new Dictionary<string, string>();
        if (fieldSelector.Length > 0) q["fieldSelector"] = fieldSelector;
        var info = RequestInfo.Parse(method, path, q);
        Assert.Equal((resource, verb, ns, res, name, sub), (info.IsResourceRequest, info.Verb, info.Namespace, info.Resource, info.Name, info.Subresource));
    }
}
