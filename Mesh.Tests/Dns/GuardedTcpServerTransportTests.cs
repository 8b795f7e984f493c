using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Mesh.Gateway.Dns;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Dns;

public sealed class GuardedTcpServerTransportTests
{
    [Fact]
    public async Task Connections_are_closed_when_their_client_is_done_and_capped_while_open()
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreePort.Next());
        var transport = new GuardedTcpServerTransport(new TcpServerTransport(endpoint, 2000, 2000), maxConnections: 1, closeGrace: TimeSpan.FromMilliseconds(50));
        var server = new DnsServer(transport);
        server.QueryReceived += (_, e) =>
        {
            var response = ((DnsMessage)e.Query).CreateResponseInstance();
            response.ReturnCode = ReturnCode.Refused;
            e.Response = response;
            return Task.CompletedTask;
        };
        server.Start();
        try
        {
            using (var first = new TcpClient())
            {
                await first.ConnectAsync(endpoint);
                await WaitFor(() => transport.Open == 1);

                // Over the cap: accepted, then closed at once.
                using var second = new TcpClient();
                await second.ConnectAsync(endpoint);
                var buffer = new byte[16];
                Assert.Equal(0, await second.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
                Assert.Equal(1, transport.Open);
            }
            // The first client hung up: ARSoft alone would keep its socket until a finaliser ran.
            await WaitFor(() => transport.Open == 0);

            using var client = new ARSoft.Tools.Net.Dns.DnsClient([IPAddress.Loopback], [new TcpClientTransport(endpoint.Port)], disposeTransport: true, queryTimeout: 5000);
            var answer = await client.ResolveAsync(DomainName.Parse("web.internal"), RecordType.Aaaa);
            Assert.Equal(ReturnCode.Refused, answer?.ReturnCode);
        }
        finally
        {
            server.Stop();
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        await Eventually.Until(() => Task.FromResult(condition()), done => done, TimeSpan.FromSeconds(30));
    }
}
