using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Domain.Certificates;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Connections;

/// <summary>
/// TLS server contexts built once per certificate (by the hash of its PEM) and reused for every
/// handshake; the chain's intermediates are sent too (a leaf alone fails verification, notes G2).
/// Self-signed fallbacks are generated once per hostname.
/// </summary>
public sealed class CertificateCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _contexts = new(StringComparer.Ordinal);

    public SslStreamCertificateContext For(CertificateRoute certificate) =>
        _contexts.GetOrAdd(Key(certificate), _ => Build(certificate.CertificatePem, certificate.KeyPem));

    public SslStreamCertificateContext SelfSigned(string hostname) =>
        _contexts.GetOrAdd("self-signed:" + hostname.ToLowerInvariant(), _ =>
        {
            var (cert, key) = CertificateFactory.CreateSelfSigned(hostname, time.GetUtcNow());
            return Build(cert, key);
        });

    private static SslStreamCertificateContext Build(string certificatePem, string keyPem)
    {
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        // SslStream on Linux wants a key it can use across handshakes: round-trip through PKCS#12.
        var leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(certificatePem);
        var intermediates = new X509Certificate2Collection();
        foreach (var c in chain)
        {
            if (c.Thumbprint != leaf.Thumbprint) intermediates.Add(c);
        }
        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    private static string Key(CertificateRoute c) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(c.CertificatePem + "\n" + c.KeyPem)));
}
