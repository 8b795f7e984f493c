using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Interfaces.Model;

namespace Mesh.Domain.Certificates;

/// <summary>Creates self-signed certificates and checks imported PEM pairs.</summary>
public static class CertificateFactory
{
    /// <summary>A self-signed ECDSA P-256 certificate for the host, valid for 90 days (the usual ACME lifetime).</summary>
    public static (string CertificatePem, string KeyPem) CreateSelfSigned(string hostname, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(90));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// Loads a PEM pair and checks that the key matches, that the certificate names the host and
    /// that it has not expired. Throws a <see cref="MeshException"/> saying what is wrong.
    /// </summary>
    public static CertificateInfo Inspect(string hostname, string certificatePem, string keyPem, DateTimeOffset now)
    {
        X509Certificate2 cert;
        try
        {
            cert = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException e)
        {
            throw new MeshException("certificate_invalid", $"certificate for {hostname}: cannot load the PEM certificate and key ({e.Message.Trim().TrimEnd('.')})");
        }
        catch (ArgumentException e)
        {
            throw new MeshException("certificate_invalid", $"certificate for {hostname}: cannot load the PEM certificate and key ({e.Message.Trim().TrimEnd('.')})");
        }
        using (cert)
        {
            var names = DnsNames(cert);
            if (!names.Any(n => Hostnames.Covers(n, hostname)))
            {
                throw new MeshException("certificate_mismatch", $"certificate does not cover {hostname} (it names {string.Join(", ", names)})");
            }
            if (cert.NotAfter.ToUniversalTime() < now.UtcDateTime)
            {
                throw new MeshException("certificate_expired", $"certificate for {hostname} expired on {cert.NotAfter.ToUniversalTime():yyyy-MM-dd}");
            }
            var source = cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData) ? CertificateSource.SelfSigned : CertificateSource.Imported;
            return new CertificateInfo(
                hostname,
                cert.Subject,
                cert.Issuer,
                new DateTimeOffset(cert.NotBefore.ToUniversalTime()),
                new DateTimeOffset(cert.NotAfter.ToUniversalTime()),
                cert.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant(),
                cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData),
                now)
            {
                Source = source,
                Sans = [.. names],
            };
        }
    }

    private static List<string> DnsNames(X509Certificate2 cert)
    {
        var names = new List<string>();
        foreach (var ext in cert.Extensions)
        {
            if (ext is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
            }
        }
        if (names.Count == 0)
        {
            names.Add(cert.GetNameInfo(X509NameType.DnsName, forIssuer: false));
        }
        return names;
    }
}
