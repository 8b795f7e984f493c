using System.Net.Sockets;
using System.Security.Cryptography;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Gateway;

/// <summary>
/// Raw TCP through each of the gateway's copies (socket-to-socket with splice, through a
/// buffer, and through Kestrel's pipe): megabytes both ways byte for byte, the half-close passed
/// on, the byte counters, and the idle timeout closing a silent connection.
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class GatewayTcpCopyTests
{
    public static TheoryData<string> Copies => new()
    {
        "--Mesh:Gateway:TcpSplice=true",
        "--Mesh:Gateway:TcpSplice=false",
        "--Mesh:Gateway:DirectTcp=false",
    };

    private static async Task<string> DeployEchoAsync(EmbeddedEdge edge, TestApp echo, int port)
    {
        var app = edge.Grains.GetGrain<IAppGrain>("copy");
        await app.Create("personal");
        await app.Deploy(GatewayConfigs.Tcp(port));
        var ip = await app.AllocateIp(IpKind.V4);
        await app.AddInstance(new InstanceRegistration("ams", echo.Address, []));
        return ip.Address;
    }

    [Theory]
    [MemberData(nameof(Copies))]
    public async Task Megabytes_pass_both_ways_unchanged_and_the_half_close_follows(string copy)
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp();
        var address = await DeployEchoAsync(edge, echo, 7040);
        var gateway = await edge.StartGatewayAsync("ams", copy);

        using var client = await Wire.ConnectAsync(address, 7040);
        var payload = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
        // Send and read at once: the echo answers while the upload is still going (both directions busy).
        var reading = ReadAllAsync(client);
        for (var offset = 0; offset < payload.Length; offset += 100_000)
        {
            await client.SendAsync(payload.AsMemory(offset, Math.Min(100_000, payload.Length - offset)), SocketFlags.None);
        }
        client.Shutdown(SocketShutdown.Send);
        var echoed = await reading;

        Assert.Equal(payload.Length, echoed.Length);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
        await Eventually.Until(() => gateway.CounterAsync("bytes.downstream"), n => n >= payload.Length, TimeSpan.FromSeconds(10));
        Assert.True(await gateway.CounterAsync("bytes.upstream") >= payload.Length);
    }

    [Theory]
    [MemberData(nameof(Copies))]
    public async Task A_silent_connection_is_closed_at_the_idle_timeout_and_counted(string copy)
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "hello");
        var address = await DeployEchoAsync(edge, echo, 7041);
        var gateway = await edge.StartGatewayAsync("ams", copy, "--Mesh:Gateway:IdleTimeout=00:00:01");

        using var client = await Wire.ConnectAsync(address, 7041);
        Assert.Equal("hello", await Wire.ReadLineAsync(client));
        // Nothing more is sent either way: the gateway closes the connection by itself.
        Assert.Equal("", await Wire.ReadToEndAsync(client, TimeSpan.FromSeconds(30)));
        await Eventually.Until(() => gateway.CounterAsync("error.idle_timeout"), n => n >= 1, TimeSpan.FromSeconds(10));
    }

    private static async Task<byte[]> ReadAllAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var all = new MemoryStream();
        var buffer = new byte[65536];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0) all.Write(buffer, 0, n);
        return all.ToArray();
    }
}
