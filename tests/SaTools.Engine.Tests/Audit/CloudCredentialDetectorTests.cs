using System.Text;
using SaTools.Engine.Audit;

namespace SaTools.Tests.Audit;

/// <summary>SA09's recogniser: cloud credentials by key name and value shape, and nothing of a value in what it says.</summary>
public sealed class CloudCredentialDetectorTests
{
    private static IReadOnlyList<CloudCredentialDetector.Match> Inspect(params (string Key, string Value)[] data) =>
        CloudCredentialDetector.Inspect(data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)));

    [Theory]
    [InlineData("AWS_ACCESS_KEY_ID", "anything", "AWS")]
    [InlineData("aws-secret-access-key", "anything", "AWS")]
    [InlineData("id", "AKIAIOSFODNN7EXAMPLE", "AWS")]
    [InlineData("id", "temporary: ASIAIOSFODNN7EXAMPLE\n", "AWS")]
    [InlineData("credentials", "[default]\naws_secret_access_key = abc\n", "AWS")]
    [InlineData("clientSecret", "x", "Azure")]
    [InlineData("AZURE_CLIENT_SECRET", "x", "Azure")]
    [InlineData("azure.json", "{\"tenantId\": \"t\", \"aadClientSecret\": \"s3cr3t\"}", "Azure")]
    [InlineData("key.json", "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMII\"}", "GCP")]
    public void RecognisesCredentials(string key, string value, string cloud)
    {
        var match = Assert.Single(Inspect((key, value)));
        Assert.Equal(cloud, match.Cloud);
        Assert.Equal(key, match.Key);
    }

    [Theory]
    [InlineData("AWS_REGION", "eu-west-1")]
    [InlineData("note", "AKIA-is-how-keys-start")]
    [InlineData("id", "XAKIAIOSFODNN7EXAMPLE1")]                     // longer run of capitals: not an access key id
    [InlineData("client_id", "web")]
    [InlineData("clientSecretRef", "vault:kv/app")]
    [InlineData("settings.json", "{\"type\": \"authorized_user\", \"private_key_ref\": \"x\"}")]
    [InlineData("key.json", "{\"type\": \"service_account\", \"client_email\": \"x@y\"}")]   // no private_key
    [InlineData("tls.key", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n")]
    public void LeavesOtherDataAlone(string key, string value)
    {
        Assert.Empty(Inspect((key, value)));
    }

    [Fact]
    public void SaysNothingOfTheValue()
    {
        const string value = "AKIAIOSFODNN7EXAMPLE";
        var matches = Inspect(("id", value), ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            ("key.json", "{\"type\":\"service_account\",\"private_key\":\"MIIEvQIBADANBg\"}"));
        Assert.Equal(3, matches.Count);
        foreach (var m in matches)
        {
            var said = m.ToString() + m.Evidence + m.Key + m.Cloud;
            Assert.DoesNotContain("AKIAIOSFODNN7", said);
            Assert.DoesNotContain("wJalrXUtnFEMI", said);
            Assert.DoesNotContain("MIIEvQIBADANBg", said);
        }
    }
}
