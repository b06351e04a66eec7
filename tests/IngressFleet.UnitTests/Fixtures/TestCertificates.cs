using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;

namespace IngressFleet.Tests.Fixtures;

/// <summary>A certificate made for a test, as the PEM a <c>kubernetes.io/tls</c> Secret holds.</summary>
public sealed record TestCertificate(string CertificatePem, string KeyPem, string Thumbprint)
{
    /// <summary>A <c>kubernetes.io/tls</c> Secret holding it.</summary>
    public V1Secret Secret(string name, string ns = "default") => TestCertificates.Secret(name, ns, CertificatePem, KeyPem);

    public X509Certificate2 WithKey() => X509Certificate2.CreateFromPem(CertificatePem, KeyPem);
}

/// <summary>Certificates issued by a test CA made in memory: leaf plus CA in the chain, as cert-manager writes them.</summary>
public static class TestCertificates
{
    private static readonly Lazy<(X509Certificate2 Certificate, string Pem)> Ca = new(CreateCa);

    public static TestCertificate Issue(string[] dnsNames, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddHours(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddDays(90);
        using var certificate = request.Create(Ca.Value.Certificate, from, to, RandomNumberGenerator.GetBytes(16));
        return new TestCertificate(certificate.ExportCertificatePem() + "\n" + Ca.Value.Pem, key.ExportPkcs8PrivateKeyPem(), certificate.Thumbprint);
    }

    public static V1Secret Secret(string name, string ns, string certificatePem, string keyPem) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = Encoding.UTF8.GetBytes(certificatePem),
            ["tls.key"] = Encoding.UTF8.GetBytes(keyPem),
        },
    };

    private static (X509Certificate2, string) CreateCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=IngressFleet Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5));
        return (ca, ca.ExportCertificatePem());
    }
}
