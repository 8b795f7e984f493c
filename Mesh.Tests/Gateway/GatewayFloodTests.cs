using System.Text;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Gateway;

/// <summary>Hostile or broken clients: every failure is counted, the log stays a few lines, no client takes others' share.</summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class GatewayFloodTests
{
    private const string Config = "[http_service]\n  internal_port = 8080\n\n" + """
        [[services]]
          internal_port = 9443
          protocol = "tcp"
          [[services.ports]]
            port = 9443
            handlers = ["tls"]
        """;

    // A TLS record header announcing a ClientHello, then the connection ends: a truncated handshake.
    private static readonly byte[] Truncated = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x00];
    private static readonly byte[] Garbage = Encoding.ASCII.GetBytes("\x16\x03\x01\x00\x05garbage-not-a-handshake\r\n");

    [Fact]
    public async Task Bad_handshakes_are_all_counted_and_logged_in_a_few_lines()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("flood-1");
        var (app, v4) = await edge.DeployWithV4Async("flood", Config, ("ams", echo.Address));
        await app.AddCertificateSkippingOwnershipCheck("flood.example.test", null, null);
        var gateway = await edge.StartGatewayAsync();
        var linesBefore = gateway.Process.Output.Split('\n').Length;
        const int n = 20;

        foreach (var port in new[] { 443, 9443 })
        {
            for (var i = 0; i < n; i++)
            {
                using var client = await Wire.ConnectAsync(v4, port);
                await client.SendAsync(i % 2 == 0 ? Truncated : Garbage);
                client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
                await Wire.ReadToEndAsync(client);
            }
        }
        // HTTPS to the cleartext port (a ClientHello where a request line belongs), and good HTTPS
        // on 443: neither is a handshake failure, neither logs anything.
        for (var i = 0; i < 5; i++)
        {
            await Tool.RunAsync("curl", ["-s", "-k", "--max-time", "10", $"https://{v4}:80/"]);
            var ok = await Tool.RunAsync("curl", ["-s", "-k", "--max-time", "10", "--resolve", $"flood.example.test:443:{v4}", "https://flood.example.test/"]);
            Assert.Contains("instance=flood-1", ok.Stdout);
        }

        await CountedAsync(gateway, "error.tls_handshake", 2 * n);
        Assert.Contains("instance=flood-1", (await Tool.RunAsync("curl", ["-s", $"http://{v4}/"])).Stdout);
        // The listeners' own start-up lines may still be arriving (each address logs when it binds): not failures.
        var newLines = gateway.Process.Output.Split('\n').Skip(linesBefore)
            .Where(l => l.Trim().Length > 0 && !l.Contains("ListenerManager") && !l.Contains("Listening on")).ToList();
        Assert.Equal(2 * n, await gateway.CounterAsync("error.tls_handshake"));
        Assert.DoesNotContain(newLines, l => l.Contains("Exception"));
        Assert.True(newLines.Count <= 6, string.Join("\n", newLines));
    }

    [Fact]
    public async Task One_client_address_cannot_take_an_apps_connections()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "capped");
        var app = edge.Grains.GetGrain<Mesh.Interfaces.IAppGrain>("capped");
        await app.Create("personal");
        await app.Deploy(GatewayConfigs.Tcp(7100));
        var address = (await app.AllocateIp(Mesh.Interfaces.Model.IpKind.V4)).Address;
        await app.AddInstance(new Mesh.Interfaces.Model.InstanceRegistration("ams", echo.Address, []));
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:MaxConnectionsPerClient=3");

        var held = new List<System.Net.Sockets.Socket>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await Wire.ConnectFromAsync("127.0.0.1", address, 7100));
            Assert.Equal("capped", await Wire.ReadLineAsync(held[^1]));
        }
        using (var fourth = await Wire.ConnectFromAsync("127.0.0.1", address, 7100))
        {
            Assert.Equal("", await Wire.ReadToEndAsync(fourth));
        }
        Assert.Equal(1, await gateway.CounterAsync("error.client_connection_limit"));
        // Another client is served meanwhile.
        using (var other = await Wire.ConnectFromAsync("127.0.0.78", address, 7100))
        {
            Assert.Equal("capped", await Wire.ReadLineAsync(other));
        }
        // A closed connection frees its slot (once the gateway has seen the close).
        held[0].Dispose();
        // Until then a new connection from that address is refused at accept (reset or closed).
        var banner = await Eventually.Until(async () =>
        {
            using var again = await Wire.ConnectFromAsync("127.0.0.1", address, 7100);
            return await Wire.ReadLineAsync(again);
        }, b => b == "capped", TimeSpan.FromSeconds(30));
        Assert.Equal("capped", banner);
        foreach (var s in held) s.Dispose();
    }

    [Fact]
    public async Task Past_the_global_connection_cap_connections_are_closed_at_accept()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = new TestApp(banner: "global");
        var app = edge.Grains.GetGrain<Mesh.Interfaces.IAppGrain>("global");
        await app.Create("personal");
        await app.Deploy(GatewayConfigs.Tcp(7101));
        var address = (await app.AllocateIp(Mesh.Interfaces.Model.IpKind.V4)).Address;
        await app.AddInstance(new Mesh.Interfaces.Model.InstanceRegistration("ams", echo.Address, []));
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:MaxConnections=2");

        using var first = await Wire.ConnectFromAsync("127.0.0.1", address, 7101);
        Assert.Equal("global", await Wire.ReadLineAsync(first));
        using var second = await Wire.ConnectFromAsync("127.0.0.79", address, 7101);
        Assert.Equal("global", await Wire.ReadLineAsync(second));
        using (var third = await Wire.ConnectFromAsync("127.0.0.80", address, 7101))
        {
            Assert.Equal("", await Wire.ReadToEndAsync(third));
        }
        Assert.Equal(1, await gateway.CounterAsync("error.max_connections"));
    }

    /// <summary>Waits until the counter reaches <paramref name="expected"/> (counted after the close); the deadline only bounds a failure.</summary>
    private static Task CountedAsync(GatewayProcess gateway, string counter, long expected) =>
        Eventually.Succeeds(async () => await gateway.CounterAsync(counter) >= expected
            ? true
            : throw new TimeoutException($"{counter} has not reached {expected}"), TimeSpan.FromSeconds(15));
}
