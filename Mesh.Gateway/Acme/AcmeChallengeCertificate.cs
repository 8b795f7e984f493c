using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Acme;

/// <summary>
/// The certificate a TLS-ALPN-01 validation is served (RFC 8737 §3): the one the issuer published
/// with the challenge, or, when it sent only the key authorization, a self-signed one made here
/// for the hostname with the critical id-pe-acmeIdentifier extension holding SHA-256 of the key
/// authorization. Every gateway makes its own key then; the CA checks only the extension and the SAN.
/// </summary>
public static class AcmeChallengeCertificate
{
    /// <summary>id-pe-acmeIdentifier (RFC 8737 §6.1).</summary>
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

    public static (string CertificatePem, string KeyPem) For(AcmeChallengeRoute challenge, DateTimeOffset now)
    {
        if (challenge is { CertificatePem.Length: > 0, KeyPem.Length: > 0 }) return (challenge.CertificatePem, challenge.KeyPem);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hostname = challenge.Hostname.TrimEnd('.');
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509Extension(AcmeIdentifierOid, IdentifierValue(challenge.KeyAuthorization), critical: true));
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>The extension's value: the DER OCTET STRING (tag 4, length 32) of SHA-256(key authorization).</summary>
    public static byte[] IdentifierValue(string keyAuthorization)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(keyAuthorization));
        return [0x04, (byte)hash.Length, .. hash];
    }
}
