using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Domain;

namespace Mesh.Security;

/// <summary>
/// The cluster's own certificate authority: a self-signed ECDSA P-256 CA that issues every
/// node's certificate (silo, gateway, operator). Whoever holds its key can mint cluster members,
/// so it lives only in the cluster directory of <c>mesh cluster init</c> (or an embedded data directory).
/// </summary>
public sealed class ClusterCa : IDisposable
{
    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3653);
    private static readonly TimeSpan NodeLifetime = TimeSpan.FromDays(365);
    // Clocks of a cluster's hosts disagree a little; a certificate valid "from now" would be refused by a host a minute behind.
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private readonly ECDsa _key;

    private ClusterCa(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    /// <summary>The CA certificate (with its private key).</summary>
    public X509Certificate2 Certificate { get; }

    public string CertificatePem => Certificate.ExportCertificatePem() + "\n";

    public string KeyPem => _key.ExportPkcs8PrivateKeyPem() + "\n";

    public static ClusterCa Create(string clusterId, DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN=Mesh cluster CA {Sanitize(clusterId)}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(now - Backdate, now + CaLifetime);
        return new ClusterCa(certificate, key);
    }

    /// <summary>Loads a CA from its PEM pair; the error names the files, never their content.</summary>
    public static ClusterCa FromPem(string certificatePem, string keyPem)
    {
        try
        {
            var key = ECDsa.Create();
            key.ImportFromPem(keyPem);
            var certificate = X509Certificate2.CreateFromPem(certificatePem).CopyWithPrivateKey(key);
            if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                throw new MeshException("ca_invalid", "ca.pem is not a CA certificate");
            }
            return new ClusterCa(certificate, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new MeshException("ca_invalid", "ca.pem and ca.key do not hold a matching ECDSA CA certificate and key");
        }
    }

    /// <summary>
    /// A node certificate: ECDSA P-256, serverAuth and clientAuth (every node both accepts and
    /// opens connections), the node name as DNS SAN and the role as URI SAN; <paramref name="addresses"/>
    /// as IP SANs, so that a silo's tenant API can be reached over HTTPS at its address.
    /// </summary>
    public IssuedCertificate Issue(NodeRole role, string name, DateTimeOffset now, TimeSpan? lifetime = null, IReadOnlyList<System.Net.IPAddress>? addresses = null)
    {
        ValidateName(name);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        foreach (var address in addresses ?? []) san.AddIpAddress(address);
        san.AddUri(new Uri(NodeRoles.Uri(role)));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));

        var notAfter = now + (lifetime ?? NodeLifetime);
        var caNotAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        if (notAfter > caNotAfter) notAfter = caNotAfter;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(Certificate, now - Backdate, notAfter, serial);
        return new IssuedCertificate(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n", certificate.SerialNumber);
    }

    /// <summary>Node names are DNS labels joined by dots (they are the certificate's DNS name).</summary>
    public static void ValidateName(string name)
    {
        var ok = name.Length is > 0 and <= 253 && name.Split('.').All(label =>
            label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' &&
            label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'));
        if (!ok)
        {
            throw new MeshException("name_invalid", $"--name: '{name}' is not a node name (lowercase letters, digits, '-' and '.')");
        }
    }

    private static string Sanitize(string clusterId) =>
        new(clusterId.Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.').ToArray());

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
