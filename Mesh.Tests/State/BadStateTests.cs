using Mesh.Domain;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Security;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.State;

/// <summary>Bad state in an embedded data directory is loud and local: one app breaks, the mesh keeps serving.</summary>
[Collection(ProcessTests.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BadStateTests
{
    private const string WebConfig = "[http_service]\n  internal_port = 8080\n";

    private static string AppStateFile(string dataDir, string app) => Path.Combine(dataDir, "state", "app", $"app%2F{app}.state");

    private static Task<CliResult> Curl(string url) => Tool.RunAsync("curl", ["-s", "--max-time", "20", url]);

    [Fact]
    public async Task A_truncated_app_state_breaks_that_app_only()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var good = await HttpEchoApp.StartAsync("good-1");
        await using var bad = await HttpEchoApp.StartAsync("bad-1");
        var (_, goodV4) = await edge.DeployWithV4Async("good", WebConfig, ("ams", good.Address));
        await edge.DeployWithV4Async("bad", WebConfig, ("ams", bad.Address));

        await edge.RestartSiloAsync(dir =>
        {
            var file = AppStateFile(dir, "bad");
            File.WriteAllBytes(file, File.ReadAllBytes(file)[..(int)(new FileInfo(file).Length / 2)]);
            // The route table's epoch is derived state: unreadable, it starts afresh from the clock.
            var epoch = Path.Combine(dir, "state", "routes", "routetable%2Fglobal.state");
            File.WriteAllBytes(epoch, File.ReadAllBytes(epoch)[..^3]);
        });

        // Through a gateway: the route table is rebuilt without the broken app.
        var gateway = await edge.StartGatewayAsync();
        Assert.Contains("instance=good-1", (await Curl($"http://{goodV4}/")).Stdout);

        // Via the SDK: the other app works, the broken one fails with one clear line.
        Assert.NotNull(await edge.Grains.GetGrain<IAppGrain>("good").GetInfo());
        var error = await Assert.ThrowsAsync<MeshException>(() => edge.Grains.GetGrain<IAppGrain>("bad").GetInfo());
        Assert.Equal("state_unreadable", error.Code);
        Assert.StartsWith("app 'bad' is unavailable: its stored state cannot be read (", error.Message);
        Assert.EndsWith("; see mesh status", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        // Nothing overwrote what could not be read.
        await Assert.ThrowsAsync<MeshException>(() => edge.Grains.GetGrain<IAppGrain>("bad").Deploy(WebConfig));
        Assert.True(new FileInfo(AppStateFile(edge.DataDir, "bad")).Length > 0);

        var problems = await edge.Grains.GetGrain<IStateProblemsGrain>(IStateProblemsGrain.Global).List();
        Assert.Equal(["app/bad"], problems.Select(p => p.Grain));

        // Through the CLI (and the API behind it): status names it, lists go on, the app's own calls fail in one line.
        var mesh = MeshCli.ForDataDir(edge.DataDir);
        Assert.Contains("State problems: app/bad: ", await mesh.OkAsync("status"));
        Assert.Contains("good", await mesh.OkAsync("apps", "list"));
        var cli = await mesh.RunAsync("ips", "list", "-a", "bad");
        Assert.Equal(1, cli.ExitCode);
        var said = (cli.Stdout + cli.Stderr).Trim();
        Assert.StartsWith("Error: app 'bad' is unavailable: its stored state cannot be read (", said);
        Assert.Single(said.Split('\n'));

        // Reported once, by name, in one line, however often the app is called.
        await Assert.ThrowsAsync<MeshException>(() => edge.Grains.GetGrain<IAppGrain>("bad").GetInfo());
        Assert.Contains("Stored state of routetable/global cannot be read", edge.Silo.Process.Output);
        var reports = edge.Silo.Process.Output.Split('\n').Where(l => l.Contains("Stored state of app/bad cannot be read", StringComparison.Ordinal)).ToList();
        Assert.Single(reports);

        // Every state file is the owner's only.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(edge.DataDir, "state"), "*", SearchOption.AllDirectories).Append(Path.Combine(edge.DataDir, "silo.json")))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        foreach (var directory in Directory.EnumerateDirectories(Path.Combine(edge.DataDir, "state")))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        }
        Assert.NotNull(gateway);
    }

    [Fact]
    public async Task A_corrupted_redis_value_breaks_that_app_only()
    {
        await using var redis = await RedisServer.StartAsync();
        using var identity = new ClusterIdentity();
        var tls = identity.Issue(NodeRole.Silo, "silo-ams");
        var serviceId = "bad-" + Guid.NewGuid().ToString("N")[..8];
        var silo = await SiloProcess.StartAsync("ams", redis.Connection, serviceId: serviceId, tlsDir: tls);
        await using (var client = await ClusterClientHost.ConnectAsync(redis.Connection, serviceId, identity.Operator))
        {
            foreach (var name in new[] { "good", "bad" })
            {
                await client.Client.GetGrain<IAppGrain>(name).Create("personal");
            }
        }
        await silo.Process.TerminateAsync(TimeSpan.FromSeconds(30));
        await silo.DisposeAsync();
        using (var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Connection))
        {
            await connection.GetDatabase().HashSetAsync($"{serviceId}/state/app/bad/app", "data", "not a grain state");
        }

        await using var restarted = await SiloProcess.StartAsync("ams", redis.Connection, serviceId: serviceId, tlsDir: tls);
        await using var sdk = await ClusterClientHost.ConnectAsync(redis.Connection, serviceId, identity.Operator);
        Assert.NotNull(await sdk.Client.GetGrain<IAppGrain>("good").GetInfo());
        var error = await Assert.ThrowsAsync<MeshException>(() => sdk.Client.GetGrain<IAppGrain>("bad").GetInfo());
        Assert.Equal("state_unreadable", error.Code);
        await sdk.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot();
        var problems = await sdk.Client.GetGrain<IStateProblemsGrain>(IStateProblemsGrain.Global).List();
        Assert.Equal(["app/bad"], problems.Select(p => p.Grain));
        await Assert.ThrowsAsync<MeshException>(() => sdk.Client.GetGrain<IAppGrain>("bad").GetInfo());
        Assert.Single(restarted.Process.Output.Split('\n'), l => l.Contains("Stored state of app/bad cannot be read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deleted_app_state_leaves_the_catalogue_and_frees_its_addresses()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await edge.DeployWithV4Async("keep", WebConfig);
        var (_, lostV4) = await edge.DeployWithV4Async("lost", WebConfig);
        var pool = edge.Grains.GetGrain<IIpPoolGrain>("default");
        Assert.Equal(2, (await pool.Usage()).DedicatedV4InUse);

        await edge.RestartSiloAsync(dir => File.Delete(AppStateFile(dir, "lost")));
        // The route table's rebuild reconciles.
        await edge.RouteVersionAsync();

        var apps = await edge.Grains.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).List(null);
        Assert.Equal(["keep"], apps.Select(a => a.Name));
        var usage = await edge.Grains.GetGrain<IIpPoolGrain>("default").Usage();
        Assert.Equal(1, usage.DedicatedV4InUse);
        Assert.DoesNotContain(await edge.Grains.GetGrain<IIpPoolGrain>("default").Held("lost"), i => i.Address == lostV4);
        Assert.Contains("App lost was in the catalogue but its state is gone", edge.Silo.Process.Output);
    }

    [Fact]
    public async Task A_second_silo_on_the_same_data_directory_refuses_to_start()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var second = RunningProcess.Start("dotnet", [Repo.SiloDll, "--data-dir", edge.DataDir, "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString()]);
        await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, second.ExitCode);
        var lines = second.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([$"mesh-silo: the data directory {edge.DataDir} is in use by another silo (pid {edge.Silo.Process.Id})"], lines);
        // The first one still serves.
        Assert.Empty(await edge.Grains.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).List(null));
    }
}
