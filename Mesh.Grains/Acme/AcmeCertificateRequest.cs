using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Acme;

/// <summary>The CSR an order is finalized with (RFC 8555 §7.4): a fresh ECDSA P-256 key, the hostname as SAN.</summary>
internal sealed record AcmeCertificateRequest(byte[] Der, string KeyPem)
{
    public static AcmeCertificateRequest Create(string hostname)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        request.CertificateExtensions.Add(san.Build());
        return new AcmeCertificateRequest(request.CreateSigningRequest(), key.ExportPkcs8PrivateKeyPem());
    }
}
