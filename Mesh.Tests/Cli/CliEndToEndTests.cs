using System.Text.Json;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Cli;

/// <summary>The real `mesh` binary against the API of a real embedded silo process (found through its data directory): the README's worked example and every error path.</summary>
[Collection(ProcessTests.Name)]
public sealed class CliEndToEndTests
{
    // Two dedicated IPv4 addresses only, so the test can exhaust the pool.
    private static readonly Dictionary<string, string> TinyPool = new()
    {
        ["Mesh__IpPool__DedicatedV4"] = "127.81.0.0/30",
        ["Mesh__IpPool__SharedV4"] = "127.81.1.1",
    };

    private const string FlyToml = """
        app = "demo"
        primary_region = "fra"

        [build]
          image = "flyio/hellofly:latest"

        [http_service]
          internal_port = 8080
          force_https = true

        [[services]]
          internal_port = 5432
          [[services.ports]]
            port = 5432
            handlers = ["pg_tls"]
        """;

    [Fact]
    public async Task Worked_example_and_error_paths()
    {
        using var dir = new TempDir();
        await using var silo = await SiloProcess.StartAsync("fra", dataDir: dir.Path, env: TinyPool);
        var mesh = MeshCli.ForDataDir(dir.Path);
        var toml = Path.Combine(dir.Path, "fly.toml");
        await File.WriteAllTextAsync(toml, FlyToml);

        Assert.Contains("New app created: demo", await mesh.OkAsync("apps", "create", "demo"));
        var deploy = await mesh.OkAsync("deploy", "-c", toml);
        Assert.Contains("Release v1 of demo", deploy);
        Assert.Contains("Allocated public ingress (shared) address 127.81.1.1", deploy);
        Assert.Contains("Allocated public ingress (dedicated) address fdaa:", deploy);

        using (var ips = JsonDocument.Parse(await mesh.OkAsync("ips", "list", "-a", "demo", "--json")))
        {
            var kinds = ips.RootElement.EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).Order().ToArray();
            Assert.Equal(["sharedV4", "v6"], kinds);
        }
        var table = await mesh.OkAsync("ips", "list", "-a", "demo");
        Assert.Contains("VERSION", table);
        Assert.Contains("public ingress (shared)", table);

        using (var apps = JsonDocument.Parse(await mesh.OkAsync("apps", "list", "--json")))
        {
            var app = Assert.Single(apps.RootElement.EnumerateArray());
            Assert.Equal("demo", app.GetProperty("name").GetString());
            Assert.Equal(1, app.GetProperty("release").GetInt32());
        }

        Assert.Contains("self-signed certificate for demo.example.com", await mesh.OkAsync("certs", "add", "demo.example.com", "-a", "demo"));
        Assert.Contains("demo.example.com", await mesh.OkAsync("certs", "list", "-a", "demo"));

        var added = await mesh.OkAsync("instances", "add", "-a", "demo", "--region", "fra", "--address", "127.0.0.1:8080", "-m", "role=web", "--json");
        string id;
        using (var instance = JsonDocument.Parse(added)) id = instance.RootElement.GetProperty("id").GetString()!;
        Assert.Contains("is stopped", await mesh.OkAsync("instances", "stop", id));
        Assert.Contains("stopped", await mesh.OkAsync("instances", "list", "-a", "demo"));
        Assert.Contains("is started", await mesh.OkAsync("instances", "start", id));

        using (var status = JsonDocument.Parse(await mesh.OkAsync("status", "--json")))
        {
            Assert.Equal("fra", status.RootElement.GetProperty("members")[0].GetProperty("region").GetString());
            Assert.Equal(1, status.RootElement.GetProperty("instances").GetInt32());
        }
        using (var regions = JsonDocument.Parse(await mesh.OkAsync("regions", "list", "--json")))
        {
            Assert.True(regions.RootElement.GetArrayLength() >= 17);
        }
        Assert.Contains("FROM", await mesh.OkAsync("regions", "list", "--rtt"));

        // Dedicated IPv4: opt-in, exhaustible, and exclusive with the shared one.
        await mesh.OkAsync("apps", "create", "other");
        Assert.Contains("$2/mo", await mesh.OkAsync("ips", "allocate-v4", "-a", "other"));
        await mesh.OkAsync("ips", "allocate-v4", "-a", "other");
        await Fails(mesh, "no dedicated IPv4 address left in pool 127.81.0.0/30", "ips", "allocate-v4", "-a", "demo");
        await Fails(mesh, "has a dedicated IPv4 address", "ips", "allocate-v4", "--shared", "-a", "other");
        Assert.Contains("Released 127.81.1.1 from demo", await mesh.OkAsync("ips", "release", "127.81.1.1", "-a", "demo"));
        Assert.DoesNotContain("127.81.1.1", await mesh.OkAsync("ips", "list", "-a", "demo"));

        // User mistakes: one line, exit 1, no stack trace.
        await Fails(mesh, "app 'nope' not found", "ips", "list", "-a", "nope");
        await Fails(mesh, "does not hold the address 127.81.0.1", "ips", "release", "127.81.0.1", "-a", "demo");
        await Fails(mesh, "is not an IP address", "ips", "release", "banana", "-a", "demo");
        await Fails(mesh, "already exists", "apps", "create", "demo");
        await Fails(mesh, "unknown region 'xyz'", "instances", "add", "-a", "demo", "--region", "xyz", "--address", "127.0.0.1:1");
        await Fails(mesh, "instance 'ffffffffffffff' not found", "instances", "stop", "ffffffffffffff");
        await Fails(mesh, "Option '--app' is required", "ips", "list");
        await Fails(mesh, "Unrecognized command or argument 'bogus'", "bogus");
        await Fails(mesh, "not found", "deploy", "-a", "demo", "-c", Path.Combine(dir.Path, "missing.toml"));

        var bad = Path.Combine(dir.Path, "bad.toml");
        await File.WriteAllTextAsync(bad, "[[services]]\n  internal_port = 80\n  [[services.ports]]\n    port = 80\n    handlers = [\"bogus\"]\n");
        await Fails(mesh, "services[0].ports[0].handlers", "deploy", "-a", "demo", "-c", bad);
        await File.WriteAllTextAsync(bad, "app = \"demo\"\n[http_service\n");
        await Fails(mesh, "fly.toml line 2", "deploy", "-a", "demo", "-c", bad);
        using (var apps = JsonDocument.Parse(await mesh.OkAsync("apps", "list", "--json")))
        {
            Assert.Equal(1, apps.RootElement.EnumerateArray().Single(a => a.GetProperty("name").GetString() == "demo").GetProperty("release").GetInt32());
        }

        Assert.Contains("Destroyed app other", await mesh.OkAsync("apps", "destroy", "other", "--yes"));
        Assert.Contains("$2/mo", await mesh.OkAsync("ips", "allocate-v4", "-a", "demo"));

        using var empty = new TempDir();
        await Fails(MeshCli.ForDataDir(empty.Path), "no mesh is running here", "apps", "list");
    }

    private static async Task Fails(MeshCli mesh, string message, params string[] args) =>
        Assert.Contains(message, await mesh.FailsAsync(args));
}
