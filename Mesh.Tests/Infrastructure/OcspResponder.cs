using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A test CA with a real OCSP responder (<c>openssl ocsp</c> on a free port, named at 127.0.0.1) and one
/// leaf for a hostname whose AIA names that responder. The leaf's chain PEM includes the root
/// (so the gateway's chain reaches a root it knows, which .NET needs before it staples).
/// </summary>
internal sealed class OcspResponder : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly RunningProcess _process;

    private OcspResponder(TempDir dir, RunningProcess process, string chainPem, string keyPem, string rootFile)
    {
        _dir = dir;
        _process = process;
        ChainPem = chainPem;
        KeyPem = keyPem;
        RootFile = rootFile;
    }

    public string ChainPem { get; }

    public string KeyPem { get; }

    public string RootFile { get; }

    public string Output => _process.Output;

    public static async Task<OcspResponder> StartAsync(string hostname)
    {
        var dir = new TempDir();
        var port = FreePort.Next();
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Mesh OCSP Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest($"CN={hostname}", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        leafRequest.CertificateExtensions.Add(san.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        leafRequest.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([$"http://127.0.0.1:{port}"], null));
        var notAfter = now.AddMonths(3);
        using var leaf = leafRequest.Create(root, now.AddDays(-1), notAfter, [0x12, 0x34, 0x56, 0x78]);

        var rootFile = Path.Combine(dir.Path, "root.pem");
        var rootKeyFile = Path.Combine(dir.Path, "root.key");
        var index = Path.Combine(dir.Path, "index.txt");
        await File.WriteAllTextAsync(rootFile, root.ExportCertificatePem() + "\n");
        await File.WriteAllTextAsync(rootKeyFile, rootKey.ExportPkcs8PrivateKeyPem() + "\n");
        // openssl ca's index format: status, expiry, revocation date (empty), serial, file, subject.
        await File.WriteAllTextAsync(index, $"V\t{notAfter.UtcDateTime:yyMMddHHmmss}Z\t\t12345678\tunknown\t/CN={hostname}\n");
        var process = RunningProcess.Start("openssl", ["ocsp", "-index", index, "-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-rsigner", rootFile, "-rkey", rootKeyFile, "-CA", rootFile, "-nmin", "60"]);
        await process.WaitForLineAsync("waiting for OCSP client connections", TimeSpan.FromSeconds(10));
        return new OcspResponder(dir, process, leaf.ExportCertificatePem() + "\n" + root.ExportCertificatePem(), leafKey.ExportPkcs8PrivateKeyPem(), rootFile);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dir.Dispose();
    }
}
