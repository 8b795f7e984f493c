using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Mesh.Gateway.Dns;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Tests.Dns;

/// <summary>
/// The server over real sockets. A query from loopback can only be refused (the asker must be in
/// an org's private network, which a test cannot bind to), which shows that it answers, over UDP
/// and TCP, and applies the org rule; the resolver tests cover the answers themselves.
/// </summary>
public sealed class InternalDnsServerTests
{
    [Fact]
    public async Task Answers_over_udp_and_tcp_and_survives_garbage()
    {
        var state = new GatewayState(TimeProvider.System);
        state.Publish(GatewayTable.Build(TwoOrgTable.Build(), wildcard: false));
        using var metrics = new GatewayMetrics();
        var port = FreePort.Next();
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        var log = new RecordingLogger<InternalDnsServer>();
        using var server = Server(state, metrics, log, new InternalDnsOptions { Listen = [endpoint.ToString()] });

        await server.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal([endpoint], server.Listening);
            Assert.Equal((LogLevel.Information, $"DNS listening on 127.0.0.1:{port}"), Assert.Single(log.Lines));
            var udp = await AskAsync(new UdpClientTransport(port));
            Assert.Equal(ReturnCode.Refused, udp.ReturnCode);
            Assert.Empty(udp.AnswerRecords);
            Assert.Equal(ReturnCode.Refused, (await AskAsync(new TcpClientTransport(port))).ReturnCode);

            using (var raw = new UdpClient())
            {
                // Too short: ARSoft reads datagrams zero-padded to 512 bytes, so this is a query
                // with no question (FORMERR).
                await raw.SendAsync(new byte[] { 1, 2, 3 }, endpoint);
                // A question whose name points at itself: the transport drops it on receipt.
                await raw.SendAsync(new byte[] { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 28, 0, 1 }, endpoint);
                // A good question (a.internal AAAA) with an answer whose name points at itself:
                // the server fails to parse it and drops it (counted as unanswered).
                byte[] badAnswer =
                [
                    0x12, 0x35, 0x01, 0x00, 0, 1, 0, 1, 0, 0, 0, 0,
                    1, (byte)'a', 8, .. "internal"u8, 0, 0, 28, 0, 1,
                    0xc0, 28, 0, 28, 0, 1, 0, 0, 0, 5, 0, 0,
                ];
                await raw.SendAsync(badAnswer, endpoint);
                // Longer than ARSoft's 512-byte receive buffer: dropped on receipt.
                await raw.SendAsync(Enumerable.Repeat((byte)0xff, 700).ToArray(), endpoint);
            }
            using (var tcp = new TcpClient())
            {
                // A length prefix promising more than is sent, then a hang-up.
                await tcp.ConnectAsync(endpoint);
                await tcp.GetStream().WriteAsync(new byte[] { 0x10, 0x00, 0xde, 0xad });
            }

            Assert.Equal(ReturnCode.Refused, (await AskAsync(new UdpClientTransport(port))).ReturnCode);
            Assert.Equal(ReturnCode.Refused, (await AskAsync(new TcpClientTransport(port))).ReturnCode);
            // Datagrams are processed concurrently: the dropped one may be counted after the later answers.
            await Eventually.Until(() => Task.FromResult(metrics.Totals().GetValueOrDefault("dns.unanswered")), n => n >= 1, TimeSpan.FromSeconds(30));
            Assert.Equal(1, metrics.Totals()["dns.unanswered"]);
            Assert.Equal(1, metrics.Totals()["dns.formerr"]);
            Assert.Equal(4, metrics.Totals()["dns.refused"]);
        }
        finally
        {
            await server.StopAsync(CancellationToken.None);
        }
        Assert.Empty(server.Listening);
        // The port is free again.
        using var again = new UdpClient(endpoint);
    }

    [Fact]
    public async Task An_endpoint_that_cannot_be_bound_yet_is_retried_until_it_can()
    {
        using var metrics = new GatewayMetrics();
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var log = new RecordingLogger<InternalDnsServer>();
        using var server = Server(new GatewayState(TimeProvider.System), metrics, log,
            new InternalDnsOptions { Listen = [endpoint.ToString()], BindRetryInterval = TimeSpan.FromMilliseconds(50) });
        var squatter = new UdpClient(endpoint);

        await server.StartAsync(CancellationToken.None);
        try
        {
            Assert.Empty(server.Listening);
            // The first failed bind is logged; the retries after it are not.
            await log.WaitForAsync(l => l.Level == LogLevel.Warning, TimeSpan.FromSeconds(10));
            Assert.Equal(LogLevel.Warning, log.Lines.Single().Level);
            squatter.Dispose();
            // The retry that binds logs "DNS listening on".
            await log.WaitForAsync(l => l.Level == LogLevel.Information, TimeSpan.FromSeconds(10));

            Assert.Equal([endpoint], server.Listening);
            Assert.Equal(ReturnCode.Refused, (await AskAsync(new UdpClientTransport(endpoint.Port))).ReturnCode);
            // Reported once, however many retries failed.
            Assert.Equal(1, metrics.Totals()["error.bind"]);
            Assert.Equal(
                [LogLevel.Warning, LogLevel.Information],
                log.Lines.Select(l => l.Level));
        }
        finally
        {
            squatter.Dispose();
            await server.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Port_zero_is_refused_at_start()
    {
        using var metrics = new GatewayMetrics();
        using var server = Server(new GatewayState(TimeProvider.System), metrics, new RecordingLogger<InternalDnsServer>(),
            new InternalDnsOptions { Listen = ["127.0.0.1:0"] });

        await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(CancellationToken.None));
    }

    private static InternalDnsServer Server(GatewayState state, GatewayMetrics metrics, RecordingLogger<InternalDnsServer> log, InternalDnsOptions options) =>
        new(state, Options.Create(new GatewayOptions { Region = "ams" }), Options.Create(options), metrics, TimeProvider.System, log);

    private static async Task<DnsMessage> AskAsync(IClientTransport transport)
    {
        using var client = new ARSoft.Tools.Net.Dns.DnsClient([IPAddress.Loopback], [transport], disposeTransport: true, queryTimeout: 5000);
        var response = await client.ResolveAsync(DomainName.Parse("web.internal"), RecordType.Aaaa);
        return Assert.IsType<DnsMessage>(response);
    }
}
