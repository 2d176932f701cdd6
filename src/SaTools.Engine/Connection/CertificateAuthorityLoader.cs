using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SaTools.Engine.Api;

namespace SaTools.Engine.Connection;

/// <summary>Reads -CertificateAuthority: a path to a PEM/DER file, or PEM text itself (as Key Vault hands it out).</summary>
internal static class CertificateAuthorityLoader
{
    public static X509Certificate2Collection Load(string pathOrPem)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            if (pathOrPem.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                collection.ImportFromPem(pathOrPem);
            }
            else if (File.Exists(pathOrPem))
            {
                var text = File.ReadAllText(pathOrPem);
                if (text.Contains("-----BEGIN", StringComparison.Ordinal)) collection.ImportFromPem(text);
                else collection.Add(new X509Certificate2(pathOrPem));
            }
            else
            {
                throw new KubeApiException(KubeErrorKind.InvalidConfiguration,
                    $"The certificate authority '{pathOrPem}' is neither a readable file nor PEM text. Give the path of the cluster's CA certificate or its PEM.");
            }
        }
        catch (CryptographicException e)
        {
            throw new KubeApiException(KubeErrorKind.InvalidConfiguration,
                $"The certificate authority could not be read as a certificate ({ErrorTranslator.FirstLine(e.Message)}). Give a PEM or DER encoded CA certificate.", e);
        }

        if (collection.Count == 0)
        {
            throw new KubeApiException(KubeErrorKind.InvalidConfiguration,
                "The certificate authority holds no certificate. Give a PEM or DER encoded CA certificate.");
        }
        return collection;
    }
}
