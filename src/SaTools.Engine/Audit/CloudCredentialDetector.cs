using System.Text;
using System.Text.RegularExpressions;

namespace SaTools.Engine.Audit;

/// <summary>
/// Recognises cloud credentials in a Secret by its key names and the SHAPE of its values, for SA09 (checklist:
/// "Use workload identity federation instead of storing cloud credentials as Secrets"). What it returns names the
/// key and the kind of credential only: no value, no part of a value, ever leaves this class.
/// <list type="bullet">
/// <item>AWS: a key named like <c>aws_access_key_id</c> / <c>aws_secret_access_key</c> (any case, <c>-</c> or
/// <c>_</c>), or a value holding an access key id (<c>AKIA</c>/<c>ASIA</c> + 16 upper-case letters or digits, the
/// IAM "Unique identifiers" prefixes) or an <c>aws_secret_access_key</c> line (a credentials file).</item>
/// <item>Azure: a key named <c>clientSecret</c>, <c>client_secret</c>, <c>AZURE_CLIENT_SECRET</c> or
/// <c>aadClientSecret</c>, or a JSON value with such a field (the cloud provider's azure.json, an SDK auth file).</item>
/// <item>GCP: a JSON value with <c>"type": "service_account"</c> and a <c>private_key</c> field (a service-account
/// key file).</item>
/// </list>
/// </summary>
public static class CloudCredentialDetector
{
    /// <summary>Only this much of a value is looked at: credential files are small; a large blob is something else.</summary>
    public const int MaxInspectedBytes = 64 * 1024;

    private static readonly Regex AwsAccessKeyId = new(@"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private static readonly Regex AwsSecretLine = new(@"aws_secret_access_key\s*[=:]", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
    private static readonly Regex AzureSecretField = new(@"""(aadClientSecret|clientSecret|client_secret)""\s*:\s*""[^""]+""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
    private static readonly Regex GcpServiceAccountType = new(@"""type""\s*:\s*""service_account""", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    private static readonly Regex GcpPrivateKey = new(@"""private_key""\s*:\s*""", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static readonly string[] AwsKeyNames = { "awsaccesskeyid", "awssecretaccesskey", "awssessiontoken" };
    private static readonly string[] AzureKeyNames = { "clientsecret", "azureclientsecret", "aadclientsecret" };

    /// <summary>One recognised credential: the cloud and where (the key name and what about it matched).</summary>
    public sealed record Match(string Cloud, string Key, string Evidence)
    {
        public override string ToString() => $"{Cloud}: key '{Key}' ({Evidence})";
    }

    /// <summary>The credentials a Secret's data holds, by key; empty when none.</summary>
    public static IReadOnlyList<Match> Inspect(IDictionary<string, byte[]>? data)
    {
        var result = new List<Match>();
        if (data is null) return result;
        foreach (var (key, bytes) in data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (InspectOne(key, bytes) is { } match) result.Add(match);
        }
        return result;
    }

    private static Match? InspectOne(string key, byte[]? bytes)
    {
        var normalized = new string(key.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        if (AwsKeyNames.Contains(normalized)) return new Match("AWS", key, "the key name of an AWS access key");
        if (AzureKeyNames.Contains(normalized)) return new Match("Azure", key, "the key name of an Azure client secret");
        if (bytes is null || bytes.Length == 0) return null;

        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MaxInspectedBytes));
        try
        {
            if (AwsAccessKeyId.IsMatch(text)) return new Match("AWS", key, "a value shaped like an AWS access key id (AKIA/ASIA and 16 characters)");
            if (AwsSecretLine.IsMatch(text)) return new Match("AWS", key, "an AWS credentials file with aws_secret_access_key");
            if (GcpServiceAccountType.IsMatch(text) && GcpPrivateKey.IsMatch(text)) return new Match("GCP", key, "a GCP service-account key file (type service_account with private_key)");
            if (AzureSecretField.IsMatch(text)) return new Match("Azure", key, "a JSON document with an Azure client secret field");
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological value is not a credential file; say nothing rather than echo anything of it.
        }
        return null;
    }
}
