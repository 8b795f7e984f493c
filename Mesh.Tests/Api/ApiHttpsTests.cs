using Mesh.Security;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Api;

/// <summary>A cluster-mode silo serves the API over HTTPS with the operator's PEM certificate, and refuses to start with a bad one.</summary>
[Collection(ProcessTests.Name)]
public sealed class ApiHttpsTests
{
    private const string Host = "api.mesh.test";

    [Fact]
    public async Task Cluster_mode_serves_https_with_the_configured_certificate()
    {
        await using var redis = await RedisServer.StartAsync();
        using var dir = new TempDir();
        var certificates = TestCertificates.For(Host);
        var certificate = Path.Combine(dir.Path, "api.crt");
        var key = Path.Combine(dir.Path, "api.key");
        var root = Path.Combine(dir.Path, "root.crt");
        await File.WriteAllTextAsync(certificate, certificates.ChainPem);
        await File.WriteAllTextAsync(key, certificates.KeyPem);
        await File.WriteAllTextAsync(root, certificates.RootPem);
        var env = new Dictionary<string, string> { ["Mesh__Api__CertificatePath"] = certificate, ["Mesh__Api__KeyPath"] = key };
        using var identity = new ClusterIdentity();
        var tls = identity.Issue(NodeRole.Silo, "silo-ams");
        // This silo is given no operator token's hash: it must say that no operator token works.
        File.Delete(Path.Combine(tls, NodeTlsDirectory.OperatorHashFile));

        await using (var silo = await SiloProcess.StartAsync("ams", redis.Connection, serviceId: "https-" + Guid.NewGuid().ToString("N")[..8], env: env, tlsDir: tls))
        {
            var url = new Uri(ApiSilo.UrlOf(silo));
            Assert.Equal("https", url.Scheme);
            var answer = await Tool.RunAsync("curl", ["-sSi", "--cacert", root, "--resolve", $"{Host}:{url.Port}:127.0.0.1", $"https://{Host}:{url.Port}/v1/apps"]);
            Assert.True(answer.ExitCode == 0, $"curl {answer.ExitCode}: {answer.Stderr}\n{silo.Process.Output}");
            Assert.Contains("401", answer.Stdout.Split('\n')[0]);
            // Over h2 header names are lower case.
            Assert.Contains("www-authenticate: Bearer realm=\"mesh\"", answer.Stdout, StringComparison.OrdinalIgnoreCase);
            // No operator hash file: the silo says so once.
            Assert.Contains("no operator token is accepted", silo.Process.Output);
        }

        env["Mesh__Api__KeyPath"] = Path.Combine(dir.Path, "missing.key");
        await using var broken = RunningProcess.Start("dotnet", [Repo.SiloDll, "--region", "ams", "--redis", redis.Connection, "--api-port", "0", "--tls-dir", tls], env);
        await broken.WaitForExitAsync(TimeSpan.FromSeconds(60));
        var line = Assert.Single(broken.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mesh-silo: Mesh:Api:CertificatePath/KeyPath: cannot load", line);
    }
}
