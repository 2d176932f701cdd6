using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KubeSandbox.Hosting;

/// <summary>
/// The sandbox's own CA and a serving certificate for 127.0.0.1/localhost signed by it, made at start
/// (as kubeadm makes the cluster CA and the apiserver certificate, with the kubernetes.default.svc names).
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private CertificateAuthority(X509Certificate2 ca, X509Certificate2 server)
    {
        CaCertificate = ca;
        ServerCertificate = server;
        CaCertificatePem = ca.ExportCertificatePem() + "\n";
    }

    public X509Certificate2 CaCertificate { get; }
    /// <summary>The serving certificate with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }
    public string CaCertificatePem { get; }

    private static readonly Lazy<CertificateAuthority> SharedInstance = new(() => Create(shared: true));

    /// <summary>One CA and serving certificate for every sandbox of the process (making RSA keys is the slowest
    /// part of a start); never disposed.</summary>
    public static CertificateAuthority Shared => SharedInstance.Value;

    /// <summary>False for the process-wide <see cref="Shared"/> instance, which outlives every sandbox.</summary>
    public bool Disposable { get; private init; } = true;

    public static CertificateAuthority Create() => Create(shared: false);

    private static CertificateAuthority Create(bool shared)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caReq = new CertificateRequest("CN=kubernetes", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        caReq.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caReq.PublicKey, false));
        using var ca = caReq.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));

        using var serverKey = RSA.Create(2048);
        var req = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var dns in new[] { "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local" })
            san.AddDnsName(dns);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, false));
        req.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var signed = req.Create(ca, now.AddDays(-1), now.AddYears(1), serial);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        // Kestrel on Linux needs a certificate whose key is not ephemeral: round-trip through PKCS#12.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var caPublic = X509CertificateLoader.LoadCertificate(ca.RawData);
        return new CertificateAuthority(caPublic, server) { Disposable = !shared };
    }

    public void Dispose()
    {
        if (!Disposable) return;
        CaCertificate.Dispose();
        ServerCertificate.Dispose();
    }
}
