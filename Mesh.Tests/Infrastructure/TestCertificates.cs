using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Tests.Infrastructure;

/// <summary>A small PKI made in the test: root → intermediate → leaf, as PEM.</summary>
internal sealed record TestCertificates(string RootPem, string ChainPem, string KeyPem)
{
    public static TestCertificates For(string hostname)
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Mesh Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        using var interKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var interRequest = new CertificateRequest("CN=Mesh Test Intermediate", interKey, HashAlgorithmName.SHA256);
        interRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        interRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        interRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(interRequest.PublicKey, false));
        using var interPublic = interRequest.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMonths(6), [1, 2, 3, 4]);
        using var intermediate = interPublic.CopyWithPrivateKey(interKey);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest($"CN={hostname}", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leaf = leafRequest.Create(intermediate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMonths(3), [5, 6, 7, 8]);

        return new TestCertificates(root.ExportCertificatePem(), leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem(), leafKey.ExportPkcs8PrivateKeyPem());
    }
}
