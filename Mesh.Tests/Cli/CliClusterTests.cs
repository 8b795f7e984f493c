using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Security;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Cli;

/// <summary>
/// The CLI against a Redis cluster of two silos (mutual TLS between them), each serving the API over
/// HTTPS with an operator-supplied certificate: it trusts that CA through --ca or MESH_API_CA (and refuses the API
/// without it), and what one silo's API did is what the other's shows, revocation included.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class CliClusterTests
{
    [Fact]
    public async Task Two_silos_one_mesh_through_either_api_over_https()
    {
        await using var redis = await RedisServer.StartAsync();
        using var dir = new TempDir();
        var serviceId = "cli-" + Guid.NewGuid().ToString("N")[..8];
        using var identity = new ClusterIdentity();
        var operatorToken = (await File.ReadAllTextAsync(identity.Cluster.OperatorTokenPath)).Trim();
        var (ca, certificate, key) = await WriteCaAndServerCertificateAsync(dir.Path);

        // Each silo's TLS directory holds the operator token's hash, which its API checks tokens against.
        Dictionary<string, string> Env(string tlsDir) => new()
        {
            ["Mesh__IpPool__DedicatedV4"] = "127.84.0.0/28",
            ["Mesh__IpPool__SharedV4"] = "127.84.1.1",
            ["Mesh__IpPool__DedicatedV6"] = "fdaa:636c:6900::/64",
            ["Mesh__Api__OperatorTokenHashFile"] = Path.Combine(tlsDir, NodeTlsDirectory.OperatorHashFile),
            ["Mesh__Api__CertificatePath"] = certificate,
            ["Mesh__Api__KeyPath"] = key,
        };
        var amsTls = identity.Issue(NodeRole.Silo, "silo-ams");
        var iadTls = identity.Issue(NodeRole.Silo, "silo-iad");
        await using var ams = await SiloProcess.StartAsync("ams", redis.Connection, serviceId: serviceId, env: Env(amsTls), tlsDir: amsTls);
        await using var iad = await SiloProcess.StartAsync("iad", redis.Connection, serviceId: serviceId, env: Env(iadTls), tlsDir: iadTls);
        Assert.StartsWith("https://", MeshCli.ApiUrlOf(ams.ReadyLine));

        var opAms = MeshCli.ForSilo(ams, operatorToken).WithArgs("--ca", ca);
        var opIad = MeshCli.ForSilo(iad, operatorToken).WithEnv("MESH_API_CA", ca);
        var untrusted = await MeshCli.ForSilo(ams, operatorToken).FailsAsync("apps", "list");
        Assert.Contains($"cannot reach the mesh API at {MeshCli.ApiUrlOf(ams.ReadyLine)}: TLS failed", untrusted);
        Assert.Contains("--ca", untrusted);

        await Eventually.Succeeds(async () =>
        {
            using var status = JsonDocument.Parse(await opIad.OkAsync("status", "--json"));
            return status.RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Active") == 2
                ? true
                : throw new TimeoutException("the two silos did not both become active members");
        }, TimeSpan.FromSeconds(60));

        await opAms.OkAsync("orgs", "create", "acme");
        await opAms.OkAsync("apps", "create", "shop", "--org", "acme");
        using var created = JsonDocument.Parse(await opAms.OkAsync("tokens", "create", "--org", "acme", "--json"));
        var acmeToken = created.RootElement.GetProperty("token").GetString()!;
        var acmeIad = MeshCli.ForSilo(iad, acmeToken).WithEnv("MESH_API_CA", ca);
        Assert.Contains("shop", await acmeIad.OkAsync("apps", "list"));

        await opAms.OkAsync("tokens", "revoke", created.RootElement.GetProperty("id").GetString()!);
        Assert.StartsWith("Error: ", await acmeIad.FailsAsync("apps", "list"));
    }

    /// <summary>A CA and the API's certificate it issued for 127.0.0.1, as PEM files (an operator-supplied API certificate).</summary>
    private static async Task<(string Ca, string Certificate, string Key)> WriteCaAndServerCertificateAsync(string dir)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Mesh Test Cluster CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var caCertificate = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mesh-api", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.Create(caCertificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMonths(3), [9, 8, 7, 6]);

        var paths = (Path.Combine(dir, "ca.pem"), Path.Combine(dir, "api.pem"), Path.Combine(dir, "api.key"));
        await File.WriteAllTextAsync(paths.Item1, caCertificate.ExportCertificatePem());
        await File.WriteAllTextAsync(paths.Item2, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(paths.Item3, key.ExportPkcs8PrivateKeyPem());
        return paths;
    }
}
