using System.Net.Sockets;
using System.Text;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Gateway;

/// <summary>Raw TCP through a real gateway process: pass-through, half-close, listeners following the table, routing and limits.</summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class GatewayTcpTests
{
    private static async Task<(IAppGrain App, string Address)> DeployAsync(EmbeddedEdge edge, string name, string config)
    {
        var app = edge.Grains.GetGrain<IAppGrain>(name);
        await app.Create("personal");
        await app.Deploy(config);
        var ip = await app.AllocateIp(IpKind.V4);
        return (app, ip.Address);
    }

    [Fact]
    public async Task Raw_tcp_passes_bytes_both_ways_with_half_close()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp();
        var (app, address) = await DeployAsync(edge, "echo", GatewayConfigs.Tcp(7000));
        await app.AddInstance(new InstanceRegistration("ams", echo.Address, []));
        var gateway = await edge.StartGatewayAsync();

        using var client = await Wire.ConnectAsync(address, 7000);
        var payload = Encoding.ASCII.GetBytes(new string('x', 200_000) + "END");
        await client.SendAsync(payload);
        client.Shutdown(SocketShutdown.Send);
        var echoed = await Wire.ReadToEndAsync(client);

        Assert.Equal(payload.Length, echoed.Length);
        Assert.EndsWith("END", echoed);
        Assert.True(await gateway.CounterAsync("bytes.upstream") >= payload.Length || await WaitCounter(gateway, "bytes.upstream", payload.Length));
    }

    [Fact]
    public async Task Listeners_follow_the_table_without_a_restart()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "one");
        var (app, address) = await DeployAsync(edge, "follow", GatewayConfigs.Tcp(7001));
        await app.AddInstance(new InstanceRegistration("ams", echo.Address, []));
        var gateway = await edge.StartGatewayAsync();
        Assert.Equal("one", await Wire.BannerAsync(address, 7001));

        // A new address and a new port start answering without a restart …
        var second = await app.AllocateIp(IpKind.V4);
        await gateway.Process.WaitForLineAsync($"Listening on {second.Address}:7001", TimeSpan.FromSeconds(5));
        Assert.Equal("one", await Wire.BannerAsync(second.Address, 7001));
        await app.Deploy(GatewayConfigs.Tcp(7001) + "\n" + GatewayConfigs.Tcp(7002).Replace("internal_port = 7002", "internal_port = 7001"));
        await gateway.Process.WaitForLineAsync($"Listening on {address}:7002", TimeSpan.FromSeconds(5));
        Assert.Equal("one", await Wire.BannerAsync(address, 7002));

        // … and a released address stops answering, open connections included.
        using var open = await Wire.ConnectAsync(second.Address, 7001);
        Assert.Equal("one", await Wire.ReadLineAsync(open));
        await app.ReleaseIp(second.Address);
        await gateway.Process.WaitForLineAsync($"Stopped listening on {second.Address}:7001", TimeSpan.FromSeconds(5));
        Assert.Equal("", await Wire.ReadToEndAsync(open));
        Assert.True(await Wire.IsClosedAsync(second.Address, 7001));
        Assert.Equal("one", await Wire.BannerAsync(address, 7001));
    }

    [Fact]
    public async Task Own_region_first_then_the_nearest_and_back()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var local = new TestApp(banner: "ams");
        await using var near = new TestApp(banner: "fra");
        await using var far = new TestApp(banner: "syd");
        var (app, address) = await DeployAsync(edge, "regions", GatewayConfigs.Tcp(7003));
        var ams = await app.AddInstance(new InstanceRegistration("ams", local.Address, []));
        var fra = await app.AddInstance(new InstanceRegistration("fra", near.Address, []));
        await app.AddInstance(new InstanceRegistration("syd", far.Address, []));
        var gateway = await edge.StartGatewayAsync("ams");

        Assert.Equal("ams", await Wire.BannerAsync(address, 7003));

        await edge.Grains.GetGrain<IInstanceGrain>(ams.Id).Stop();
        await edge.SyncedAsync();
        Assert.Equal("fra", await Wire.BannerAsync(address, 7003));

        await edge.Grains.GetGrain<IInstanceGrain>(fra.Id).SetHealth(InstanceHealth.Critical);
        await edge.SyncedAsync();
        Assert.Equal("syd", await Wire.BannerAsync(address, 7003));

        await edge.Grains.GetGrain<IInstanceGrain>(ams.Id).Start();
        await edge.SyncedAsync();
        Assert.Equal("ams", await Wire.BannerAsync(address, 7003));

        // A gateway in another region uses its own region's instance. (Both regions' gateways
        // serve the same anycast addresses, so on one host they take turns; the multi-region
        // deployment in network namespaces runs them side by side.)
        await edge.StopGatewayAsync(gateway);
        await edge.StartGatewayAsync("syd");
        Assert.Equal("syd", await Wire.BannerAsync(address, 7003));
    }

    [Fact]
    public async Task A_client_that_never_finishes_the_handshake_is_cut_at_the_timeout()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "fine", closeAfterBanner: true);
        var (app, address) = await DeployAsync(edge, "slow", GatewayConfigs.Tcp(7007, "\"tls\""));
        await app.AddCertificateSkippingOwnershipCheck("slow.example.test", null, null);
        await app.AddInstance(new InstanceRegistration("ams", echo.Address, []));
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:HandshakeTimeout=00:00:01");

        // A slowloris: the first bytes of a TLS record, then nothing.
        using var slow = await Wire.ConnectAsync(address, 7007);
        await slow.SendAsync(new byte[] { 0x16, 0x03, 0x01 });
        Assert.Equal("", await Wire.ReadToEndAsync(slow, TimeSpan.FromSeconds(30)));
        Assert.True(await gateway.CounterAsync("error.tls_handshake") >= 1);
        var ok = await Tool.SClientAsync(address, 7007, "-servername", "slow.example.test");
        Assert.Contains("fine", ok.Stdout);
    }

    [Fact]
    public async Task Connections_spread_by_load_and_wait_at_the_hard_limit()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var a = new TestApp(banner: "a");
        await using var b = new TestApp(banner: "b");
        var limits = "[services.concurrency]\n    type = \"connections\"\n    soft_limit = 1\n    hard_limit = 2";
        var (app, address) = await DeployAsync(edge, "limits", GatewayConfigs.Tcp(7004, extra: limits));
        await app.AddInstance(new InstanceRegistration("ams", a.Address, []));
        await app.AddInstance(new InstanceRegistration("ams", b.Address, []));
        var gateway = await edge.StartGatewayAsync();

        // Least loaded first: four connections land two and two.
        var held = new List<Socket>();
        var banners = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var s = await Wire.ConnectAsync(address, 7004);
            held.Add(s);
            banners.Add(await Wire.ReadLineAsync(s));
        }
        Assert.Equal(2, banners.Count(x => x == "a"));
        Assert.Equal(2, banners.Count(x => x == "b"));

        // Both at hard_limit: the fifth waits in the queue and gets through when one closes.
        var fifth = await Wire.ConnectAsync(address, 7004);
        var fifthBanner = Wire.ReadLineAsync(fifth);
        Assert.False(fifthBanner.IsCompleted);
        held[0].Close();
        Assert.Equal(banners[0], await fifthBanner);
        foreach (var s in held) s.Dispose();
        fifth.Dispose();
    }

    [Fact]
    public async Task Refused_instance_is_skipped_and_no_instance_closes_only_that_connection()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var good = new TestApp(banner: "good");
        var (app, address) = await DeployAsync(edge, "faults", GatewayConfigs.Tcp(7005));
        // Nothing listens at the first instance's address: its connect is refused.
        var deadPort = FreePort.Next();
        await app.AddInstance(new InstanceRegistration("ams", $"127.0.0.1:{deadPort}", []));
        var goodInstance = await app.AddInstance(new InstanceRegistration("ams", good.Address, []));
        var gateway = await edge.StartGatewayAsync();

        // Held open, so the good instance is busier than the dead one and the picker tries the
        // dead one whichever of the two sorts first.
        var held = new List<Socket>();
        for (var i = 0; i < 3; i++)
        {
            var s = await Wire.ConnectAsync(address, 7005);
            held.Add(s);
            Assert.Equal("good", await Wire.ReadLineAsync(s));
        }
        Assert.True(await gateway.CounterAsync("error.upstream_connect_refused") >= 1);
        foreach (var s in held) s.Dispose();

        await edge.Grains.GetGrain<IInstanceGrain>(goodInstance.Id).Stop();
        await edge.SyncedAsync();
        Assert.True(await Wire.IsClosedAsync(address, 7005));
        Assert.True(await gateway.CounterAsync("error.connect_failed") + await gateway.CounterAsync("error.no_healthy_instance") >= 1);
    }

    [Fact]
    public async Task Gateway_keeps_serving_its_last_table_when_the_cluster_is_gone()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "still");
        var (app, address) = await DeployAsync(edge, "orphan", GatewayConfigs.Tcp(7006));
        await app.AddInstance(new InstanceRegistration("ams", echo.Address, []));
        var gateway = await edge.StartGatewayAsync();

        edge.Silo.Process.Kill();
        await gateway.Process.WaitForLineAsync("Control plane unreachable", TimeSpan.FromSeconds(30));

        Assert.Equal("still", await Wire.BannerAsync(address, 7006));
        Assert.True((await gateway.StatusAsync()).GetProperty("ready").GetBoolean());
    }

    private static async Task<bool> WaitCounter(GatewayProcess gateway, string name, long atLeast)
    {
        // Bytes are counted when the connection ends, just after the client saw the close.
        for (var i = 0; i < 100 && await gateway.CounterAsync(name) < atLeast; i++) await Task.Yield();
        return await gateway.CounterAsync(name) >= atLeast;
    }
}
