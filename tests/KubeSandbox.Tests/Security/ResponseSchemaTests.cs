using System.Text.Json;
using System.Text.Json.Nodes;
using KubeSandbox.Api;
using static KubeSandbox.Tests.Security.InMemoryObjectStore;

namespace KubeSandbox.Tests.Security;

/// <summary>Every property the security handlers emit exists, with that type, in the real server's OpenAPI v3
/// documents (../shared/k8s/openapi-v3/).</summary>
public sealed class ResponseSchemaTests : IDisposable
{
    private readonly SecurityTestBed _bed = new();

    public ResponseSchemaTests()
    {
        _bed.Store.AddServiceAccount("alpha", "runner");
        _bed.Store.AddPod("alpha", "runner-pod", "runner");
        _bed.Store.AddRole("alpha", "r", Rule(new[] { "get" }, new[] { "" }, new[] { "pods" }, new[] { "p" }));
        _bed.Store.AddBinding("alpha", "b", "Role", "r", ServiceAccountSubject("runner", "alpha"));
        _bed.Store.AddBinding("alpha", "ghost", "Role", "missing", ServiceAccountSubject("runner", "alpha"));
        _bed.Store.AddRole(null, "nr", NonResourceRule(new[] { "get" }, "/healthz"));
        _bed.Store.AddBinding(null, "nr", "ClusterRole", "nr", GroupSubject("system:authenticated"));
    }

    public void Dispose() => _bed.Dispose();

    private static readonly Lazy<Dictionary<string, JsonObject>> Schemas = new(() =>
    {
        var all = new Dictionary<string, JsonObject>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Shared, "k8s", "openapi-v3"), "*.json"))
        {
            var doc = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var (name, schema) in doc["components"]!["schemas"]!.AsObject())
            {
                all.TryAdd(name, (JsonObject)schema!);
            }
        }
        return all;
    });

    private static void Check(JsonNode? value, JsonObject schema, string path, List<string> problems)
    {
        if (schema["$ref"] is JsonValue r)
        {
            schema = Schemas.Value[((string)r!).Split('/').Last()];
        }
        if (schema["allOf"] is JsonArray allOf && allOf.Count == 1)
        {
            Check(value, (JsonObject)allOf[0]!, path, problems);
            return;
        }
        if (value is null)
        {
            return; // a nil pointer serialises as null
        }
        var type = (string?)schema["type"];
        switch (value.GetValueKind())
        {
            case JsonValueKind.Object:
                if (type is not (null or "object")) { problems.Add($"{path}: object, schema says {type}"); return; }
                foreach (var (key, child) in value.AsObject())
                {
                    if (schema["properties"]?[key] is JsonObject property)
                        Check(child, property, $"{path}.{key}", problems);
                    else if (schema["additionalProperties"] is JsonObject additional)
                        Check(child, additional, $"{path}.{key}", problems);
                    else
                        problems.Add($"{path}.{key}: not in the schema");
                }
                break;
            case JsonValueKind.Array:
                if (type != "array") { problems.Add($"{path}: array, schema says {type}"); return; }
                var i = 0;
                foreach (var item in value.AsArray()) Check(item, (JsonObject)schema["items"]!, $"{path}[{i++}]", problems);
                break;
            case JsonValueKind.String:
                if (type != "string") problems.Add($"{path}: string, schema says {type}");
                break;
            case JsonValueKind.Number:
                if (type is not ("integer" or "number")) problems.Add($"{path}: number, schema says {type}");
                break;
            case JsonValueKind.True or JsonValueKind.False:
                if (type != "boolean") problems.Add($"{path}: boolean, schema says {type}");
                break;
        }
    }

    private static void AssertMatches(string schemaName, JsonObject response)
    {
        var problems = new List<string>();
        Check(response, Schemas.Value[schemaName], response["kind"]?.ToString() ?? schemaName, problems);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private JsonObject Create(string resource, RequestContext context, string json) =>
        _bed.Services.CreateHandlers.Single(h => h.Resource == resource).Create(context, (JsonObject)JsonNode.Parse(json)!);

    [Fact]
    public void TokenRequestAndTokenReviewResponsesFitTheirSchemas()
    {
        var bound = _bed.RequestToken("alpha", "runner", new JsonObject
        {
            ["expirationSeconds"] = 3607,
            ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = "runner-pod" },
        });
        AssertMatches("io.k8s.api.authentication.v1.TokenRequest", bound);
        AssertMatches("io.k8s.api.authentication.v1.TokenRequest", _bed.RequestToken("alpha", "runner", new JsonObject()));

        var token = (string)bound["status"]!["token"]!;
        AssertMatches("io.k8s.api.authentication.v1.TokenReview",
            Create("tokenreviews", SecurityTestBed.Admin(), $"{{\"spec\":{{\"token\":\"{token}\",\"audiences\":[\"{SecurityTestBed.Api}\"]}}}}"));
        AssertMatches("io.k8s.api.authentication.v1.TokenReview",
            Create("tokenreviews", SecurityTestBed.Admin(), "{\"spec\":{\"token\":\"garbage\"}}"));
    }

    [Fact]
    public void AccessReviewResponsesFitTheirSchemas()
    {
        var runner = SecurityTestBed.ServiceAccount("alpha", "runner");
        AssertMatches("io.k8s.api.authorization.v1.SubjectAccessReview", Create("subjectaccessreviews", SecurityTestBed.Admin(),
            "{\"spec\":{\"user\":\"system:serviceaccount:alpha:runner\",\"groups\":[\"g\"],\"extra\":{\"k\":[\"v\"]},\"uid\":\"u\",\"resourceAttributes\":{\"namespace\":\"alpha\",\"verb\":\"get\",\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\",\"subresource\":\"log\",\"name\":\"p\"}}}"));
        AssertMatches("io.k8s.api.authorization.v1.LocalSubjectAccessReview", Create("localsubjectaccessreviews", SecurityTestBed.Admin("alpha"),
            "{\"spec\":{\"user\":\"system:serviceaccount:alpha:runner\",\"resourceAttributes\":{\"namespace\":\"alpha\",\"verb\":\"get\",\"resource\":\"pods\",\"name\":\"p\"}}}"));
        AssertMatches("io.k8s.api.authorization.v1.SelfSubjectAccessReview", Create("selfsubjectaccessreviews", SecurityTestBed.As(runner),
            "{\"spec\":{\"nonResourceAttributes\":{\"path\":\"/healthz\",\"verb\":\"get\"}}}"));
        var rules = Create("selfsubjectrulesreviews", SecurityTestBed.As(runner), "{\"spec\":{\"namespace\":\"alpha\"}}");
        Assert.NotNull(rules["status"]!["evaluationError"]);
        Assert.NotNull(rules["status"]!["nonResourceRules"]);
        AssertMatches("io.k8s.api.authorization.v1.SelfSubjectRulesReview", rules);
    }
}
