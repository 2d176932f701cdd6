using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace SaTools.Module.Tests;

/// <summary>
/// Before any test runs, loads IdentityModel 7.7.3 (another served version than the engine's 8.23.0) into the
/// default load context and uses it, as Az.Accounts does in an Azure Automation worker. Every module test then
/// imports SaTools into a process where that version already sits in the default context.
/// The packages come from the NuGet cache (PackageDownload in the project: downloaded, never referenced).
/// </summary>
public static class ForeignIdentityModel
{
    public const string Version = "7.7.3";

    private static readonly string[] Chain =
    {
        "Microsoft.IdentityModel.Abstractions",
        "Microsoft.IdentityModel.Logging",
        "Microsoft.IdentityModel.Tokens",
        "Microsoft.IdentityModel.JsonWebTokens",
        "System.IdentityModel.Tokens.Jwt",
    };

    public static IReadOnlyList<Assembly> Loaded { get; private set; } = Array.Empty<Assembly>();

    public static string? LoadFailure { get; private set; }

    /// <summary>The subject the foreign JsonWebTokenHandler read from a token, proving the 7.7.3 code ran.</summary>
    public static string? SubjectReadByForeignHandler { get; private set; }

    [ModuleInitializer]
    internal static void LoadFirst()
    {
        try
        {
            var root = typeof(ForeignIdentityModel).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .First(a => a.Key == "NuGetPackageRoot").Value!;
            var loaded = new List<Assembly>();
            foreach (var name in Chain)
            {
                var lib = Path.Combine(root, name.ToLowerInvariant(), Version, "lib");
                var path = new[] { "net8.0", "net6.0", "netstandard2.0" }
                    .Select(tfm => Path.Combine(lib, tfm, name + ".dll")).First(File.Exists);
                loaded.Add(AssemblyLoadContext.Default.LoadFromAssemblyPath(path));
            }
            Loaded = loaded;

            // Use it: read a token with the foreign JsonWebTokenHandler.
            var handlerType = loaded[3].GetType("Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler", throwOnError: true)!;
            var handler = Activator.CreateInstance(handlerType)!;
            var jwt = handlerType.GetMethod("ReadJsonWebToken", new[] { typeof(string) })!.Invoke(handler, new object[] { TestTokens.Jwt("system:serviceaccount:foreign:probe") })!;
            SubjectReadByForeignHandler = (string?)jwt.GetType().GetProperty("Subject")!.GetValue(jwt);
        }
        catch (Exception e)
        {
            LoadFailure = e.ToString();
        }
    }
}

/// <summary>Unsigned-looking JWTs for tests that only need a token's claims read (the server does not check them).</summary>
public static class TestTokens
{
    public static string Jwt(string subject)
    {
        static string B64(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64("""{"alg":"RS256","kid":"test"}""");
        var payload = B64($$"""{"iss":"https://kubernetes.default.svc","sub":"{{subject}}","aud":["https://kubernetes.default.svc"],"exp":4102444800}""");
        return $"{header}.{payload}.c2lnbmF0dXJl";
    }

    /// <summary>A SecureString for -Token (ConvertTo-SecureString is not in a hosted SMA).</summary>
    public static System.Security.SecureString Secure(string token) => new System.Net.NetworkCredential(string.Empty, token).SecurePassword;
}
