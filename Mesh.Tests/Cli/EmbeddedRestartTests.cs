using System.Text.Json;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Cli;

/// <summary>Embedded mode: everything the CLI created is still there after the silo process is killed and started again.</summary>
[Collection(ProcessTests.Name)]
public sealed class EmbeddedRestartTests
{
    [Fact]
    public async Task State_survives_a_hard_restart_of_the_embedded_silo()
    {
        using var dir = new TempDir();
        var mesh = MeshCli.ForDataDir(dir.Path);
        var toml = Path.Combine(dir.Path, "fly.toml");
        await File.WriteAllTextAsync(toml, "app = \"keep\"\n[http_service]\n  internal_port = 3000\n");

        string before;
        int siloPort, gatewayPort;
        await using (var silo = await SiloProcess.StartAsync("lhr", dataDir: dir.Path))
        {
            siloPort = silo.SiloPort;
            gatewayPort = silo.GatewayPort;
            await mesh.OkAsync("apps", "create", "keep", "--org", "acme");
            await mesh.OkAsync("deploy", "-a", "keep", "-c", toml);
            await mesh.OkAsync("ips", "allocate-v4", "-a", "keep");
            await mesh.OkAsync("certs", "add", "keep.example.com", "-a", "keep");
            var id = JsonDocument.Parse(await mesh.OkAsync("instances", "add", "-a", "keep", "-r", "lhr", "--address", "127.0.0.1:3000", "-m", "v=1", "--json"))
                .RootElement.GetProperty("id").GetString()!;
            await mesh.OkAsync("instances", "stop", id);
            before = await Describe(mesh);
            silo.Process.Kill();
        }

        await using var restarted = await SiloProcess.StartAsync("lhr", dataDir: dir.Path, siloPort: siloPort, gatewayPort: gatewayPort);
        var after = await Describe(mesh);
        Assert.Equal(before, after);
        Assert.Contains("acme", after);
        Assert.Contains("stopped", after);
        Assert.Contains("\"v\": \"1\"", after);
        Assert.Contains("keep.example.com", after);
        using var status = JsonDocument.Parse(await mesh.OkAsync("status", "--json"));
        Assert.Equal(1, status.RootElement.GetProperty("instances").GetInt32());
        Assert.Equal(1, status.RootElement.GetProperty("ipPool").GetProperty("dedicatedV4InUse").GetInt32());
    }

    private static async Task<string> Describe(MeshCli mesh) => string.Join("\n",
        await mesh.OkAsync("apps", "list", "--json"),
        await mesh.OkAsync("ips", "list", "-a", "keep", "--json"),
        await mesh.OkAsync("certs", "list", "-a", "keep", "--json"),
        await mesh.OkAsync("instances", "list", "-a", "keep", "--json"));
}
