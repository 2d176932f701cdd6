using System.Text.Json.Nodes;
using KubeSandbox.Api;
using KubeSandbox.Security;
using static KubeSandbox.Tests.Security.InMemoryObjectStore;

namespace KubeSandbox.Tests.Security;

public sealed class ReviewHandlerTests : IDisposable
{
    private readonly SecurityTestBed _bed = new();

    public ReviewHandlerTests()
    {
        _bed.Store.AddServiceAccount("alpha", "runner");
        _bed.Store.AddRole(null, "system:basic-user", Rule(new[] { "create" }, new[] { "authorization.k8s.io" }, new[] { "selfsubjectaccessreviews", "selfsubjectrulesreviews" }));
        _bed.Store.AddBinding(null, "system:basic-user", "ClusterRole", "system:basic-user", GroupSubject("system:authenticated"));
        _bed.Store.AddBinding("alpha", "ghost", "Role", "no-such-role", ServiceAccountSubject("ghostsa", "alpha"));
    }

    public void Dispose() => _bed.Dispose();

    private IVirtualCreateHandler Handler(string resource) => _bed.Services.CreateHandlers.Single(h => h.Resource == resource);

    private JsonObject Create(string resource, RequestContext context, string json) =>
        Handler(resource).Create(context, (JsonObject)JsonNode.Parse(json)!);

    [Fact]
    public void TokenReviewSuccessAndFailureHaveTheRecordedShapes()
    {
        var token = (string)_bed.RequestToken("alpha", "runner", new JsonObject())["status"]!["token"]!;

        var ok = Create("tokenreviews", SecurityTestBed.Admin(), $"{{\"spec\":{{\"token\":\"{token}\"}}}}");
        Assert.Equal("{\"creationTimestamp\":null}", ok["metadata"]!.ToJsonString());
        Assert.True((bool)ok["status"]!["authenticated"]!);
        Assert.Equal(new[] { "authenticated", "user", "audiences" }, ok["status"]!.AsObject().Select(p => p.Key).ToArray());
        Assert.False(ok["status"]!["user"]!.AsObject().ContainsKey("extra"));

        var bad = Create("tokenreviews", SecurityTestBed.Admin(), "{\"spec\":{\"token\":\"not-a-jwt-just-garbage\"}}");
        Assert.Equal("{\"user\":{},\"error\":\"invalid bearer token\"}", bad["status"]!.ToJsonString());

        var empty = Assert.Throws<ApiException>(() => Create("tokenreviews", SecurityTestBed.Admin(), "{\"spec\":{}}"));
        Assert.Equal((400, "token is required for TokenReview in authentication"), (empty.Code, empty.Message));
    }

    [Fact]
    public void AccessReviewValidationUsesTheRecordedWording()
    {
        var none = Assert.Throws<ApiException>(() => Create("subjectaccessreviews", SecurityTestBed.Admin(), "{\"spec\":{\"user\":\"x\"}}"));
        Assert.Equal(".authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified", none.Message);
        Assert.Equal("{\"group\":\"authorization.k8s.io\",\"causes\":[{\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value: \\u0022null\\u0022: exactly one of nonResourceAttributes or resourceAttributes must be specified\",\"field\":\"spec.resourceAttributes\"}]}",
            none.Details!.ToJsonString());

        var both = Assert.Throws<ApiException>(() => Create("subjectaccessreviews", SecurityTestBed.Admin(),
            "{\"spec\":{\"user\":\"x\",\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"},\"nonResourceAttributes\":{\"path\":\"/x\",\"verb\":\"get\"}}}"));
        Assert.Equal(".authorization.k8s.io \"\" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:\"/x\", Verb:\"get\"}: cannot be specified in combination with resourceAttributes", both.Message);

        var mismatch = Assert.Throws<ApiException>(() => Create("localsubjectaccessreviews", SecurityTestBed.Admin("alpha"),
            "{\"metadata\":{\"namespace\":\"alpha\"},\"spec\":{\"user\":\"u\",\"resourceAttributes\":{\"namespace\":\"beta\",\"verb\":\"get\",\"resource\":\"secrets\"}}}"));
        Assert.Equal((422, ".authorization.k8s.io \"\" is invalid: spec.resourceAttributes.namespace: Invalid value: \"beta\": must match metadata.namespace"), (mismatch.Code, mismatch.Message));
    }

    [Fact]
    public void SubjectAccessReviewEchoesTheSpecAndDeniesWithOnlyAllowedFalse()
    {
        var review = Create("subjectaccessreviews", SecurityTestBed.Admin(),
            "{\"spec\":{\"user\":\"system:serviceaccount:alpha:runner\",\"resourceAttributes\":{\"namespace\":\"alpha\",\"verb\":\"get\",\"resource\":\"pods\"}}}");

        Assert.Equal("{\"allowed\":false}", review["status"]!.ToJsonString());
        Assert.Equal("{\"resourceAttributes\":{\"namespace\":\"alpha\",\"verb\":\"get\",\"resource\":\"pods\"},\"user\":\"system:serviceaccount:alpha:runner\"}",
            review["spec"]!.ToJsonString());
    }

    [Fact]
    public void SelfSubjectRulesReviewNeedsANamespaceAndReportsLookupErrors()
    {
        var ghost = SecurityTestBed.ServiceAccount("alpha", "ghostsa");
        var noNs = Assert.Throws<ApiException>(() => Create("selfsubjectrulesreviews", SecurityTestBed.As(ghost), "{\"spec\":{}}"));
        Assert.Equal((400, "no namespace on request"), (noNs.Code, noNs.Message));

        var review = Create("selfsubjectrulesreviews", SecurityTestBed.As(ghost), "{\"spec\":{\"namespace\":\"alpha\"}}");
        Assert.Equal("{}", review["spec"]!.ToJsonString());
        Assert.Equal("[{\"verbs\":[\"create\"],\"apiGroups\":[\"authorization.k8s.io\"],\"resources\":[\"selfsubjectaccessreviews\",\"selfsubjectrulesreviews\"]}]",
            review["status"]!["resourceRules"]!.ToJsonString());
        Assert.Null(review["status"]!["nonResourceRules"]);
        Assert.False((bool)review["status"]!["incomplete"]!);
        Assert.Equal("role.rbac.authorization.k8s.io \"no-such-role\" not found", (string)review["status"]!["evaluationError"]!);
    }

    [Fact]
    public void SelfReviewsAnswerForTheCaller()
    {
        var runner = SecurityTestBed.ServiceAccount("alpha", "runner");
        var ssar = Create("selfsubjectaccessreviews", SecurityTestBed.As(runner),
            "{\"spec\":{\"resourceAttributes\":{\"group\":\"authorization.k8s.io\",\"verb\":\"create\",\"resource\":\"selfsubjectrulesreviews\"}}}");
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"system:basic-user\" of ClusterRole \"system:basic-user\" to Group \"system:authenticated\"",
            (string)ssar["status"]!["reason"]!);

        var whoami = Create("selfsubjectreviews", SecurityTestBed.As(runner), "{}");
        Assert.Equal("system:serviceaccount:alpha:runner", (string)whoami["status"]!["userInfo"]!["username"]!);
        Assert.Equal("authentication.k8s.io/v1", (string)whoami["apiVersion"]!);
    }
}
