using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Acme;

namespace Mesh.Tests.Acme;

/// <summary>The certificates the client makes: the tls-alpn-01 challenge certificate (RFC 8737) and the finalize CSR.</summary>
public class AcmeCertificatesTests
{
    [Fact]
    public void The_tls_alpn_certificate_names_the_host_and_carries_the_key_authorization_digest_in_a_critical_extension()
    {
        var keyAuthorization = "token-abc.thumb-xyz";
        var made = TlsAlpnChallengeCertificate.Create("app.example.test", keyAuthorization, DateTimeOffset.UtcNow);
        using var certificate = X509Certificate2.CreateFromPem(made.CertificatePem, made.KeyPem);

        Assert.True(certificate.HasPrivateKey);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        var san = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["app.example.test"], san.EnumerateDnsNames());
        var acme = Assert.Single(certificate.Extensions.Cast<X509Extension>(), e => e.Oid?.Value == "1.3.6.1.5.5.7.1.31");
        Assert.True(acme.Critical);
        var reader = new AsnReader(acme.RawData, AsnEncodingRules.DER);
        var digest = reader.ReadOctetString();
        Assert.False(reader.HasData);
        Assert.Equal(SHA256.HashData("token-abc.thumb-xyz"u8), digest);
    }

    [Fact]
    public void The_finalize_request_is_signed_by_a_fresh_P256_key_and_names_the_host()
    {
        var csr = AcmeCertificateRequest.Create("www.example.test");
        var request = CertificateRequest.LoadSigningRequest(csr.Der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        var san = Assert.Single(request.CertificateExtensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["www.example.test"], san.EnumerateDnsNames());

        using var key = ECDsa.Create();
        key.ImportFromPem(csr.KeyPem);
        Assert.Equal(256, key.KeySize);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), request.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.NotEqual(csr.KeyPem, AcmeCertificateRequest.Create("www.example.test").KeyPem);
    }
}
