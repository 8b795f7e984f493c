using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Acme;

/// <summary>
/// The certificate a gateway serves to a tls-alpn-01 validation (RFC 8737 §3): self-signed, the
/// hostname as its only SAN, and the critical id-pe-acmeIdentifier extension holding the
/// SHA-256 of the key authorization as a DER OCTET STRING.
/// </summary>
internal sealed record TlsAlpnChallengeCertificate(string CertificatePem, string KeyPem)
{
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

    public static TlsAlpnChallengeCertificate Create(string hostname, string keyAuthorization, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        request.CertificateExtensions.Add(san.Build());
        var value = new AsnWriter(AsnEncodingRules.DER);
        value.WriteOctetString(AcmeKeyAuthorization.Digest(keyAuthorization));
        request.CertificateExtensions.Add(new X509Extension(new Oid(AcmeIdentifierOid), value.Encode(), critical: true));
        // Only the CA's validation ever sees it, for the minutes an authorization is open.
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));
        return new TlsAlpnChallengeCertificate(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
