using System.Buffers;
using System.Net;
using System.Text;
using Mesh.Gateway.Protocols;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Gateway;

/// <summary>
/// PROXY v2 TLVs end to end: a balancer in front that ended TLS says so in its SSL TLV and the
/// app sees https; after the gateway ends TLS itself, the app's v2 header carries the SSL TLV
/// and the SNI as the authority (read back by our own reader from the bytes the app received).
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class GatewayProxyTlvTests
{
    [Fact]
    public async Task A_balancer_that_ended_tls_makes_the_requests_https()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("tlv-1");
        var (_, v4) = await edge.DeployWithV4Async("tlv-in", "[http_service]\n  internal_port = 8080\n  force_https = true\n", ("ams", echo.Address));
        await edge.StartGatewayAsync("ams", "--Mesh:Gateway:AcceptProxyProtocol=true");

        // What a TLS-terminating balancer sends: v2 with PP2_TYPE_SSL (PP2_CLIENT_SSL) and the SNI.
        var terminated = await Eventually.Succeeds(
            () => RequestBehindBalancerAsync(v4, ProxySsl.Terminated("TLSv1.3"), "tlv.example.test"),
            TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 200", terminated);
        Assert.Contains("X-Forwarded-Proto: https", terminated);
        Assert.Contains("Fly-Forwarded-Proto: https", terminated);
        Assert.Contains("X-Forwarded-SSL: on", terminated);
        Assert.Contains("Fly-Forwarded-Ssl: on", terminated);
        Assert.Contains("Fly-Client-IP: 203.0.113.7", terminated);

        // Without the TLV (or with it but no PP2_CLIENT_SSL) the client was on plain HTTP: force_https redirects.
        Assert.StartsWith("HTTP/1.1 301", await RequestBehindBalancerAsync(v4, null, null));
        Assert.StartsWith("HTTP/1.1 301", await RequestBehindBalancerAsync(v4, new ProxySsl(0, 0), null));
    }

    [Fact]
    public async Task After_tls_the_app_gets_a_v2_header_with_the_ssl_and_authority_tlvs()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var recorder = new TestApp();
        var config = GatewayConfigs.Tcp(7470, "\"tls\", \"proxy_proto\"") + "\n    [services.ports.proxy_proto_options]\n      version = \"v2\"";
        var (app, v4) = await edge.DeployWithV4Async("tlv-out", config, ("ams", recorder.Address));
        await app.AddCertificateSkippingOwnershipCheck("tlv.example.test", null, null);
        await edge.StartGatewayAsync();

        var first = await Eventually.Succeeds(async () =>
        {
            // -no_ign_eof: s_client sends the line, then ends at the end of its input.
            await Tool.RunAsync("openssl", ["s_client", "-connect", $"{v4}:7470", "-servername", "tlv.example.test", "-tls1_3", "-quiet", "-no_ign_eof"], stdin: "hello\n");
            return recorder.FirstBytes.TryPeek(out var bytes) ? bytes : throw new TimeoutException("nothing reached the app yet");
        }, TimeSpan.FromSeconds(30));

        Assert.Equal(PeekResult.Parsed, ProxyProtocolReader.TryRead(new ReadOnlySequence<byte>(first), out var header, out _));
        Assert.Equal(2, header!.Version);
        Assert.Equal(IPAddress.Loopback, header.Source!.Address);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(v4), 7470), header.Destination);
        Assert.Equal("tlv.example.test", header.Authority);
        Assert.NotNull(header.Ssl);
        Assert.True(header.Ssl.ClientSsl);
        Assert.NotEqual(0u, header.Ssl.Verify);
        Assert.Equal("TLSv1.3", header.Ssl.Version);
    }

    private static async Task<string> RequestBehindBalancerAsync(string v4, ProxySsl? ssl, string? authority)
    {
        using var balancer = await Wire.ConnectAsync(v4, 80);
        var header = new byte[ProxyProtocolWriter.MaxV2LengthWithTlvs];
        var length = ProxyProtocolWriter.WriteV2(IPEndPoint.Parse("203.0.113.7:51000"), new IPEndPoint(IPAddress.Parse(v4), 443), authority, ssl, header);
        await balancer.SendAsync(header.AsMemory(0, length));
        await balancer.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: tlv.example.test\r\nConnection: close\r\n\r\n"));
        var answer = await Wire.ReadToEndAsync(balancer);
        return answer.Length > 0 ? answer : throw new TimeoutException("no answer yet");
    }
}
