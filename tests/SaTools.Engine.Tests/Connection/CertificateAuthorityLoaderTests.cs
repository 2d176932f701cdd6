using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SaTools.Engine.Api;
using SaTools.Engine.Connection;

namespace SaTools.Engine.Tests.Connection;

public sealed class CertificateAuthorityLoaderTests
{
    private static X509Certificate2 NewCa()
    {
        using var key = ECDsa.Create();
        var request = new CertificateRequest("CN=test-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public void ReadsPemText()
    {
        using var ca = NewCa();
        var loaded = CertificateAuthorityLoader.Load(ca.ExportCertificatePem());
        Assert.Equal(ca.Thumbprint, Assert.Single(loaded).Thumbprint);
    }

    [Fact]
    public void ReadsPemAndDerFiles()
    {
        using var ca = NewCa();
        using var dir = new TempKubeconfig();
        var pem = dir.Write("ca.crt", ca.ExportCertificatePem());
        var der = Path.Combine(dir.DirectoryPath, "ca.der");
        File.WriteAllBytes(der, ca.Export(X509ContentType.Cert));
        Assert.Equal(ca.Thumbprint, Assert.Single(CertificateAuthorityLoader.Load(pem)).Thumbprint);
        Assert.Equal(ca.Thumbprint, Assert.Single(CertificateAuthorityLoader.Load(der)).Thumbprint);
    }

    [Fact]
    public void RejectsWhatIsNotACertificate()
    {
        using var dir = new TempKubeconfig();
        Assert.Equal(KubeErrorKind.InvalidConfiguration, Assert.Throws<KubeApiException>(() => CertificateAuthorityLoader.Load(Path.Combine(dir.DirectoryPath, "missing.crt"))).Kind);
        Assert.Equal(KubeErrorKind.InvalidConfiguration, Assert.Throws<KubeApiException>(() => CertificateAuthorityLoader.Load(dir.Write("junk.crt", "junk"))).Kind);
        Assert.Equal(KubeErrorKind.InvalidConfiguration, Assert.Throws<KubeApiException>(() => CertificateAuthorityLoader.Load("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")).Kind);
    }
}
