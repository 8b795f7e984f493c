using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Udp;

/// <summary>
/// UDP services through a real gateway process to real UDP instances on loopback: a real
/// <c>dig</c> gets its answer at the dedicated IPv4, flows stay pinned to their instance and move
/// when it stops, replies come from the dialled address (in both bind modes), idle flows expire,
/// and the shared addresses serve no UDP.
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class UdpGatewayTests
{
    private const int Port = 5353;

    [Fact]
    public async Task Dig_gets_its_answer_at_the_dedicated_ipv4_once_allocated_and_never_at_the_shared_addresses()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var dns = new UdpTestInstance("ams-1");
        var app = edge.Grains.GetGrain<IAppGrain>("resolver");
        await app.Create("personal");
        // A web service (which earns the shared IPv4 and a dedicated IPv6) beside the UDP one.
        var deployed = await app.Deploy($"""
            [http_service]
              internal_port = {Port}
            {UdpClients.Service(Port)}
            """);
        var warning = Assert.Single(deployed.Warnings, w => w.Contains("udp", StringComparison.Ordinal));
        Assert.StartsWith($"services[0]: udp port {Port} is served on a dedicated IPv4 address only", warning);
        Assert.Contains("mesh ips allocate-v4", warning);
        var shared = Assert.Single(deployed.NewIps, i => i.Kind == IpKind.SharedV4).Address;
        Assert.Contains(deployed.NewIps, i => i.Kind == IpKind.V6);
        await app.AddInstance(new InstanceRegistration("ams", dns.Address, []));
        var gateway = await edge.StartGatewayAsync();

        // No dedicated IPv4 yet: no UDP socket at all, the shared IPv4 included.
        Assert.Empty((await gateway.StatusAsync()).GetProperty("udpListeners").EnumerateArray());
        var v4 = (await app.AllocateIp(IpKind.V4)).Address;
        await gateway.Process.WaitForLineAsync($"Listening on udp {v4}:{Port}", TimeSpan.FromSeconds(10));

        var dig = await Tool.RunAsync("dig", [$"@{v4}", "-p", $"{Port}", "+short", "+tries=3", "+timeout=2", "TXT", "hello.example"]);
        // dig warns on stdout (";; Warning: ID mismatch") when the answer to an earlier try arrives
        // after it retried on a loaded machine; the answer is the line that is not a dig comment.
        var answer = string.Join('\n', dig.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(";;", StringComparison.Ordinal)));
        Assert.Equal("\"instance=ams-1\"", answer);

        // The shared IPv4 and the IPv6 have no UDP socket: only the dedicated IPv4 serves UDP.
        var udpListeners = (await gateway.StatusAsync()).GetProperty("udpListeners").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal([$"{v4}:{Port}"], udpListeners);
        var atShared = await Tool.RunAsync("dig", [$"@{shared}", "-p", $"{Port}", "+short", "+tries=1", "+timeout=1", "TXT", "hello.example"]);
        Assert.NotEqual(0, atShared.ExitCode);
        Assert.DoesNotContain("instance=", atShared.Stdout);
        Assert.True(await gateway.CounterAsync("udp.datagrams.downstream") >= 1);
        Assert.True(await gateway.CounterAsync("udp.flows.created") >= 1);
    }

    [Fact]
    public async Task Fifty_flows_keep_their_instance_and_move_when_it_stops()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var a = new UdpTestInstance("a");
        await using var b = new UdpTestInstance("b");
        var (app, v4) = await edge.DeployWithV4Async("flows", UdpClients.Service(Port), ("ams", a.Address), ("ams", b.Address));
        var gateway = await edge.StartGatewayAsync();
        await gateway.Process.WaitForLineAsync($"Listening on udp {v4}:{Port}", TimeSpan.FromSeconds(10));

        var clients = Enumerable.Range(0, 50).Select(_ => UdpClients.Connected(v4, Port)).ToList();
        try
        {
            var first = await Task.WhenAll(clients.Select(UdpClients.InstanceAsync));
            Assert.All(first, name => Assert.Contains(name, new[] { "a", "b" }));
            // Least loaded first: new flows spread over both instances of the region.
            Assert.Contains("a", first);
            Assert.Contains("b", first);
            for (var round = 0; round < 3; round++)
            {
                Assert.Equal(first, await Task.WhenAll(clients.Select(UdpClients.InstanceAsync)));
            }
            Assert.Equal(50, await gateway.CounterAsync("udp.flows.active"));

            var instances = await app.ListInstances();
            var stopped = instances.Single(i => i.Address == a.Address);
            await edge.Grains.GetGrain<IInstanceGrain>(stopped.Id).Stop();
            await edge.SyncedAsync();

            // Every flow of the stopped instance moves on its next datagram; the others stay.
            var after = await Task.WhenAll(clients.Select(UdpClients.InstanceAsync));
            Assert.All(after, name => Assert.Equal("b", name));
            Assert.Equal(first.Count(n => n == "a"), await gateway.CounterAsync("udp.flows.moved"));
            Assert.Equal(50, await gateway.CounterAsync("udp.flows.active"));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Fact]
    public async Task A_refusing_instance_loses_its_flows_to_another()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        var a = new UdpTestInstance("a");
        await using var b = new UdpTestInstance("b");
        var (_, v4) = await edge.DeployWithV4Async("refusal", UdpClients.Service(Port), ("ams", a.Address), ("ams", b.Address));
        var gateway = await edge.StartGatewayAsync();
        await gateway.Process.WaitForLineAsync($"Listening on udp {v4}:{Port}", TimeSpan.FromSeconds(10));
        using var client = UdpClients.Connected(v4, Port);
        using var other = UdpClients.Connected(v4, Port);
        var names = new[] { await UdpClients.InstanceAsync(client), await UdpClients.InstanceAsync(other) };
        Assert.Contains("a", names);

        // The process dies without the control plane knowing: its port answers ICMP unreachable.
        await a.DisposeAsync();
        Assert.Equal("b", await UdpClients.InstanceAsync(client));
        Assert.Equal("b", await UdpClients.InstanceAsync(other));
        Assert.True(await gateway.CounterAsync("udp.drop.upstream_refused") >= 1);
    }

    [Theory]
    [InlineData("PerAddress")]
    [InlineData("Wildcard")]
    public async Task Replies_come_from_the_dialled_address(string bindMode)
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var instance = new UdpTestInstance("only");
        // Wildcard mode binds 0.0.0.0:PORT for the whole host: a port nobody else holds.
        var port = bindMode == "Wildcard" ? FreePort.Next() : Port;
        var (app, v4) = await edge.DeployWithV4Async("source", UdpClients.Service(port), ("ams", instance.Address));
        var second = (await app.AllocateIp(IpKind.V4)).Address;
        var gateway = await edge.StartGatewayAsync("ams", "--bind-mode", bindMode);
        var listening = bindMode == "Wildcard" ? $"0.0.0.0:{port}" : $"{second}:{port}";
        await gateway.Process.WaitForLineAsync($"Listening on udp {listening}", TimeSpan.FromSeconds(10));

        // An unconnected socket takes a datagram from anyone and says where it came from.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        foreach (var dialled in new[] { v4, second })
        {
            var target = new IPEndPoint(IPAddress.Parse(dialled), port);
            var (text, from) = await AskFromAsync(socket, target, "source");
            Assert.Equal("only source", text);
            Assert.Equal(target, from);
        }
        // A connected client (as dig and resolvers are) only accepts replies from there.
        using var connected = UdpClients.Connected(second, port);
        Assert.Equal("only", await UdpClients.InstanceAsync(connected));
    }

    [Fact]
    public async Task Idle_flows_expire_and_the_app_flow_limit_drops_datagrams()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var instance = new UdpTestInstance("one");
        var (_, v4) = await edge.DeployWithV4Async("bounded", UdpClients.Service(Port), ("ams", instance.Address));
        var gateway = await edge.StartGatewayAsync("ams",
            "--Mesh:Gateway:Udp:FlowIdleTimeout=00:00:01", "--Mesh:Gateway:Udp:MaxFlowsPerApp=2");
        await gateway.Process.WaitForLineAsync($"Listening on udp {v4}:{Port}", TimeSpan.FromSeconds(10));

        using var first = UdpClients.Connected(v4, Port);
        using var second = UdpClients.Connected(v4, Port);
        using var third = UdpClients.Connected(v4, Port);
        Assert.Equal("one", await UdpClients.InstanceAsync(first));
        Assert.Equal("one", await UdpClients.InstanceAsync(second));
        Assert.Null(await UdpClients.AskAsync(third, "who", tries: 1));
        Assert.True(await gateway.CounterAsync("udp.drop.flow_limit") >= 1);

        // Idle for longer than the timeout, both flows are forgotten, and the slots are free again.
        await UntilCounterAsync(gateway, "udp.flows.expired", 2);
        Assert.Equal(0, await gateway.CounterAsync("udp.flows.active"));
        Assert.Equal("one", await UdpClients.InstanceAsync(third));
    }

    private static async Task<(string Text, IPEndPoint From)> AskFromAsync(Socket socket, IPEndPoint target, string text)
    {
        var buffer = new byte[2048];
        for (var i = 0; ; i++)
        {
            await socket.SendToAsync(Encoding.ASCII.GetBytes("!" + text), target);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                return (Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint);
            }
            catch (OperationCanceledException) when (i < 2)
            {
            }
        }
    }

    /// <summary>Polls the gateway's counter until it reaches <paramref name="atLeast"/>; the deadline only bounds a failure.</summary>
    private static async Task UntilCounterAsync(GatewayProcess gateway, string name, long atLeast)
    {
        await Eventually.Until(() => gateway.CounterAsync(name), n => n >= atLeast, TimeSpan.FromSeconds(30));
    }
}
