using System.Text.Json;
using Mesh.Security;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Cli;

/// <summary><c>mesh cluster init</c> and <c>issue-cert</c> through the real CLI, offline.</summary>
[Collection(ProcessTests.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterCommandsTests
{
    [Fact]
    public async Task Init_and_issue_cert_make_the_cluster_and_node_directories()
    {
        using var dir = new TempDir();
        var mesh = MeshCli.ForDataDir(dir.Path);
        var cluster = Path.Combine(dir.Path, "cluster");

        var init = await mesh.OkAsync("cluster", "init", "--out", cluster, "--cluster-id", "prod");
        Assert.Contains("operator token: " + Path.Combine(cluster, "operator.token"), init);
        var token = File.ReadAllText(Path.Combine(cluster, "operator.token")).Trim();
        Assert.DoesNotContain(token, init);
        Assert.Equal(["ca.key", "ca.pem", "data.key", "operator.token"], Directory.GetFiles(cluster).Select(Path.GetFileName).Order());
        Assert.All(Directory.GetFiles(cluster), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));

        var again = await mesh.RunAsync("cluster", "init", "--out", cluster);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"Error: --out: {cluster} already holds a cluster CA; refusing to overwrite it", again.Stderr.Trim());

        var silo = Path.Combine(dir.Path, "silo-ams");
        var issued = JsonDocument.Parse(await mesh.OkAsync("cluster", "issue-cert", "--cluster-dir", cluster, "--role", "silo", "--name", "silo-ams", "--out", silo, "--json")).RootElement;
        Assert.Equal("silo", issued.GetProperty("role").GetString());
        Assert.Equal(["ca.pem", "data.key", "node.key", "node.pem", "operator.sha256"], Directory.GetFiles(silo).Select(Path.GetFileName).Order());
        Assert.Equal(ApiToken.HashOf(token), File.ReadAllText(Path.Combine(silo, "operator.sha256")).Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(silo));

        var gateway = Path.Combine(dir.Path, "gateway-ams");
        await mesh.OkAsync("cluster", "issue-cert", "--cluster-dir", cluster, "--role", "gateway", "--name", "gateway-ams", "--out", gateway);
        Assert.Equal(["ca.pem", "node.key", "node.pem"], Directory.GetFiles(gateway).Select(Path.GetFileName).Order());

        var badRole = await mesh.RunAsync("cluster", "issue-cert", "--cluster-dir", cluster, "--role", "admin", "--name", "x", "--out", Path.Combine(dir.Path, "x"));
        Assert.Equal("Error: --role: 'admin' is not a role (silo, gateway or operator)", badRole.Stderr.Trim());
        var noCluster = await mesh.RunAsync("cluster", "issue-cert", "--cluster-dir", Path.Combine(dir.Path, "none"), "--role", "silo", "--name", "x", "--out", Path.Combine(dir.Path, "x"));
        Assert.Equal(1, noCluster.ExitCode);
        Assert.StartsWith("Error: --cluster-dir:", noCluster.Stderr.Trim());
    }
}
