using System.Text.RegularExpressions;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Security;
using Mesh.Tests.Gateway;
using Mesh.Tests.Infrastructure;
using Orleans.Connections.Security;
using StackExchange.Redis;

namespace Mesh.Tests.Cluster;

/// <summary>
/// Mutual TLS inside the cluster, with real silo, gateway and client processes: only holders of a
/// cluster certificate get an Orleans connection, embedded mode listens on loopback only, and
/// certificate private keys are sealed wherever state is kept.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class ClusterTlsTests
{
    private static readonly Dictionary<string, string> Pools = new()
    {
        ["Mesh__IpPool__DedicatedV4"] = "127.81.0.0/24",
        ["Mesh__IpPool__SharedV4"] = "127.81.250.1",
        ["Mesh__IpPool__DedicatedV6"] = "fdaa:746c:7300::/64",
        // The test's instance runs on loopback: the operator allows it, as on a one-host cluster.
        ["Mesh__Instances__AllowedNetworks__*"] = "127.0.0.0/8",
    };

    // A refused client retries for minutes; the refusal is settled long before this.
    private static readonly TimeSpan Refused = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_silo_refuses_clients_without_a_cluster_certificate_or_with_another_cas()
    {
        using var dir = new TempDir();
        await using var silo = await SiloProcess.StartAsync("ams", dataDir: dir.Path);

        // An Orleans client as it was before: no TLS at all.
        await Assert.ThrowsAnyAsync<Exception>(() => ClusterClientHost.ConnectEmbeddedAsync(silo.GatewayPort, tls: null, Refused));
        // TLS, trusting anything, but presenting no certificate.
        await Assert.ThrowsAnyAsync<Exception>(() => ClusterClientHost.ConnectEmbeddedAsync(silo.GatewayPort, c => c.UseTls(o =>
        {
            o.ClientCertificateMode = RemoteCertificateMode.AllowCertificate;
            o.AllowAnyRemoteCertificate();
        }), Refused));
        // A well-formed operator certificate from another CA, trusting this cluster's CA.
        using var foreign = ClusterCa.Create("other", DateTimeOffset.UtcNow);
        var rogue = new NodeTlsDirectory(Path.Combine(dir.Path, "rogue"));
        rogue.Write(File.ReadAllText(Path.Combine(EmbeddedTls.Root(dir.Path), "ca.pem")), foreign.Issue(NodeRole.Operator, "operator", DateTimeOffset.UtcNow));
        await Assert.ThrowsAnyAsync<Exception>(() => ClusterClientHost.ConnectEmbeddedAsync(silo.GatewayPort, c => c.UseClusterTls(rogue), Refused));
        await silo.Process.WaitForLineAsync("mesh-tls refused peer certificate", TimeSpan.FromSeconds(10));
        // A silo's certificate is no client's: the gateway port takes gateways and operators only.
        var siloAsClient = new NodeTlsDirectory(Path.Combine(dir.Path, "silo-as-client"));
        new ClusterTlsDirectory(EmbeddedTls.Root(dir.Path)).Issue(NodeRole.Silo, "sneaky", siloAsClient, DateTimeOffset.UtcNow);
        Assert.Throws<Mesh.Domain.MeshException>(() => new NodeCertificateSource(siloAsClient, [NodeRole.Gateway, NodeRole.Operator]));
        using var siloCertificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(siloAsClient.CertificatePath, siloAsClient.KeyPath);
        await Assert.ThrowsAnyAsync<Exception>(() => ClusterClientHost.ConnectEmbeddedAsync(silo.GatewayPort, c => c.UseTls(siloCertificate, o => o.AllowAnyRemoteCertificate()), Refused));
        await silo.Process.WaitForLineAsync("has role silo, not gateway or operator", TimeSpan.FromSeconds(10));

        // The operator certificate of the data directory works, and the silo kept serving.
        await using var client = await ClusterClientHost.ConnectEmbeddedAsync(silo.GatewayPort, dir.Path);
        Assert.Single(await client.Client.GetGrain<IClusterInfoGrain>(0).Members());
    }

    [Fact]
    public async Task Cluster_silos_form_a_cluster_a_gateway_loads_the_table_and_redis_holds_no_private_key()
    {
        await using var redis = await RedisServer.StartAsync();
        using var identity = new ClusterIdentity();
        var serviceId = "tls-" + Guid.NewGuid().ToString("N")[..8];

        // Cluster mode without TLS material does not start, with one line naming the flag.
        var bare = await Tool.RunAsync("dotnet", [Repo.SiloDll, "--redis", redis.Connection, "--service-id", serviceId, "--cluster-id", serviceId]);
        Assert.Equal(1, bare.ExitCode);
        Assert.StartsWith("mesh-silo: --tls-dir:", (bare.Stderr + bare.Stdout).Trim());
        Assert.Single((bare.Stderr + bare.Stdout).Trim().Split('\n'));

        await using var ams = await SiloProcess.StartAsync("ams", redis.Connection, serviceId: serviceId, env: Pools, tlsDir: identity.Issue(NodeRole.Silo, "silo-ams"));
        await using var iad = await SiloProcess.StartAsync("iad", redis.Connection, serviceId: serviceId, env: Pools, tlsDir: identity.Issue(NodeRole.Silo, "silo-iad"));
        await using var client = await ClusterClientHost.ConnectAsync(redis.Connection, serviceId, identity.Operator);
        var regions = await Eventually.Succeeds(async () =>
        {
            var members = await client.Client.GetGrain<IClusterInfoGrain>(0).Members();
            var active = members.Where(m => m.Status == "Active").Select(m => m.Region).Order().ToArray();
            return active.Length == 2 ? active : throw new TimeoutException("the silos have not joined yet");
        }, TimeSpan.FromSeconds(60));
        Assert.Equal(["ams", "iad"], regions);

        await using var echo = new TestApp(banner: "sealed", closeAfterBanner: true);
        var (address, imported, generated) = await DeployWithCertificatesAsync(client.Client, "sealedapp", echo);

        using var gatewayData = new TempDir();
        await using var gateway = await GatewayProcess.StartAsync("ams", gatewayData.Path,
            "--redis", redis.Connection, "--service-id", serviceId, "--cluster-id", serviceId, "--tls-dir", identity.Issue(NodeRole.Gateway, "gateway-ams"), "--Mesh:Instances:AllowedNetworks:*", "127.0.0.0/8");
        await gateway.WaitForVersionAsync((await client.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot()).Version);
        await AssertTerminatesAsync(address, "imported.sealed.test", "generated.sealed.test");

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Connection);
        var db = connection.GetDatabase();
        var keys = connection.GetServer(redis.Connection).Keys(pattern: "*").ToArray();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            foreach (var value in await ValuesOf(db, key))
            {
                Assert.False(imported.FoundIn(value), $"the imported private key is readable in Redis key {key}");
                Assert.False(generated.FoundIn(value), $"the generated private key is readable in Redis key {key}");
            }
        }
    }

    [Fact]
    public async Task Embedded_mode_listens_on_loopback_only_and_its_files_hold_no_private_key()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "sealed", closeAfterBanner: true);
        var (address, imported, generated) = await DeployWithCertificatesAsync(edge.Grains, "sealedapp", echo);
        var gateway = await edge.StartGatewayAsync();
        await edge.SyncedAsync();
        await AssertTerminatesAsync(address, "imported.sealed.test", "generated.sealed.test");

        var silo = ListeningSockets.Of(edge.Silo.Process.Id);
        Assert.Contains(silo, e => e.Port == edge.Silo.SiloPort);
        Assert.Contains(silo, e => e.Port == edge.Silo.GatewayPort);
        Assert.All(silo, e => Assert.True(ListeningSockets.IsLoopback(e), $"the silo listens on {e}"));
        // The app's own public addresses are where the gateway serves it; every other socket is the node's.
        var appAddresses = (await edge.Grains.GetGrain<IAppGrain>("sealedapp").ListIps()).Select(i => System.Net.IPAddress.Parse(i.Address)).ToHashSet();
        var gatewaySockets = ListeningSockets.Of(gateway.Process.Id).Where(e => !appAddresses.Contains(e.Address)).ToList();
        Assert.NotEmpty(gatewaySockets);
        Assert.All(gatewaySockets, e => Assert.True(ListeningSockets.IsLoopback(e), $"the gateway listens on {e}"));

        var tls = EmbeddedTls.Root(edge.DataDir) + Path.DirectorySeparatorChar;
        var files = Directory.GetFiles(edge.DataDir, "*", SearchOption.AllDirectories).Where(f => !f.StartsWith(tls, StringComparison.Ordinal)).ToArray();
        Assert.Contains(files, f => f.Contains("sealedapp", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.False(imported.FoundIn(bytes), $"the imported private key is readable in {file}");
            Assert.False(generated.FoundIn(bytes), $"the generated private key is readable in {file}");
        }
    }

    [Fact]
    public async Task A_gateway_presents_its_replaced_certificate_on_its_next_connection_without_a_restart()
    {
        using var dir = new TempDir();
        var silo = await SiloProcess.StartAsync("ams", dataDir: dir.Path);
        try
        {
            await using var gateway = await GatewayProcess.StartAsync("ams", dir.Path);
            var first = Serial(await gateway.Process.WaitForLineAsync("mesh-tls presenting certificate", TimeSpan.FromSeconds(10)));

            // The rotation an operator does: issue a new certificate into the node's directory (the
            // embedded data directory's tls/ is a cluster directory), then let the node reconnect.
            var issued = await MeshCli.ForDataDir(dir.Path).OkAsync("cluster", "issue-cert", "--cluster-dir", EmbeddedTls.Root(dir.Path),
                "--role", "gateway", "--name", "gateway", "--out", EmbeddedTls.NodeDirectory(dir.Path, NodeRole.Gateway).Path, "--json");
            var second = System.Text.Json.JsonDocument.Parse(issued).RootElement.GetProperty("serial").GetString()!;
            Assert.NotEqual(first, second);

            var (siloPort, gatewayPort) = (silo.SiloPort, silo.GatewayPort);
            await silo.Process.TerminateAsync(TimeSpan.FromSeconds(30));
            await silo.DisposeAsync();
            silo = await SiloProcess.StartAsync("ams", dataDir: dir.Path, siloPort: siloPort, gatewayPort: gatewayPort);

            await gateway.Process.WaitForLineAsync($"mesh-tls presenting certificate serial={second}", TimeSpan.FromSeconds(60));
            // Connected again: the gateway follows a change made after the restart, having renewed
            // its subscription on the reconnect (well before its 60 s renewal timer).
            await using var client = await ClusterClientHost.ConnectEmbeddedAsync(silo.GatewayPort, dir.Path);
            await client.Client.GetGrain<IAppGrain>("rotated").Create("personal");
            var version = (await client.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot()).Version;
            await gateway.WaitForVersionAsync(version, TimeSpan.FromSeconds(30));
            Assert.False(gateway.Process.HasExited);
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    /// <summary>An app on a tls port with an imported and a generated certificate; what of their keys must never be at rest.</summary>
    private static async Task<(string Address, KeyMaterial Imported, KeyMaterial Generated)> DeployWithCertificatesAsync(
        IGrainFactory grains, string name, TestApp instance)
    {
        var app = grains.GetGrain<IAppGrain>(name);
        await app.Create("personal");
        await app.Deploy(GatewayConfigs.Tcp(7443, "\"tls\""));
        var ip = await app.AllocateIp(IpKind.V4);
        await app.AddInstance(new InstanceRegistration("ams", instance.Address, []));
        var pki = TestCertificates.For("imported.sealed.test");
        await app.AddCertificateSkippingOwnershipCheck("imported.sealed.test", pki.ChainPem, pki.KeyPem);
        await app.AddCertificateSkippingOwnershipCheck("generated.sealed.test", null, null);
        // The generated key exists only inside the platform; the route table (what gateways get) carries it.
        var route = (await grains.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot()).Apps.Single(a => a.App == name);
        var generatedKey = route.Certificates.Single(c => c.Hostname == "generated.sealed.test").KeyPem;
        return (ip.Address, new KeyMaterial(pki.KeyPem), new KeyMaterial(generatedKey));
    }

    private static async Task AssertTerminatesAsync(string address, params string[] hosts)
    {
        foreach (var host in hosts)
        {
            var result = await Tool.SClientAsync(address, 7443, "-servername", host);
            Assert.Contains($"CN = {host}", result.Stdout);
        }
    }

    private static async Task<IEnumerable<byte[]>> ValuesOf(IDatabase db, RedisKey key)
    {
        var type = await db.KeyTypeAsync(key);
        return type switch
        {
            RedisType.String => [(byte[])(await db.StringGetAsync(key))!],
            RedisType.Hash => (await db.HashGetAllAsync(key)).SelectMany(e => new[] { (byte[])e.Name!, (byte[])e.Value! }),
            RedisType.List => (await db.ListRangeAsync(key)).Select(v => (byte[])v!),
            RedisType.Set => (await db.SetMembersAsync(key)).Select(v => (byte[])v!),
            RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(v => (byte[])v!),
            _ => [],
        };
    }

    private static string Serial(string line) => SerialPattern().Match(line).Groups[1].Value;

    [GeneratedRegex("serial=([0-9A-F]+)")]
    private static partial Regex SerialPattern();
}
