using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Mesh.Tests.Cluster;

namespace Mesh.Tests.Http1;

/// <summary>
/// WebSockets over HTTP/1.1 (RFC 6455) through port 80 and through TLS on 443: the upgrade is
/// answered 101, then messages flow both ways, text and binary, small and larger than one read,
/// until the close handshake completes.
/// </summary>
[Collection(Http1Gateway.Collection)]
public sealed class WebSocketTests(Http1Gateway gateway)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>A ClientWebSocket whose connections go to the gateway's address, whatever the URI's host.</summary>
    private HttpMessageInvoker Invoker(int port) => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        ConnectCallback = async (_, ct) =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await s.ConnectAsync(IPAddress.Parse(gateway.WebSocketV4), port, ct);
            return new NetworkStream(s, ownsSocket: true);
        },
    });

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveMessageAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var message = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var r = await socket.ReceiveAsync(buffer, ct);
            message.Write(buffer, 0, r.Count);
            if (r.EndOfMessage) return (r.MessageType, message.ToArray());
        }
    }

    private async Task EchoesAndCloses(Uri uri, int port)
    {
        using var cts = new CancellationTokenSource(Deadline);
        using var invoker = Invoker(port);
        using var socket = new ClientWebSocket();
        // HTTP/1.1 only: the Upgrade handshake, not h2's extended CONNECT.
        socket.Options.HttpVersion = HttpVersion.Version11;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        await socket.ConnectAsync(uri, invoker, cts.Token);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);

        var large = new byte[100_000];
        Random.Shared.NextBytes(large);
        foreach (var (type, data) in new (WebSocketMessageType, byte[])[]
        {
            (WebSocketMessageType.Text, Encoding.UTF8.GetBytes("hello through mesh")),
            (WebSocketMessageType.Binary, [0, 1, 2, 255]),
            (WebSocketMessageType.Binary, large),
            (WebSocketMessageType.Text, Encoding.UTF8.GetBytes("last")),
        })
        {
            await socket.SendAsync(data, type, endOfMessage: true, cts.Token);
            var echoed = await ReceiveMessageAsync(socket, cts.Token);
            Assert.Equal(type, echoed.Type);
            Assert.True(data.AsSpan().SequenceEqual(echoed.Data), $"a {type} message of {data.Length} bytes came back as {echoed.Data.Length} other bytes");
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public Task A_websocket_echoes_both_ways_and_closes_through_port_80() =>
        EchoesAndCloses(new Uri("ws://ws.example.test/ws"), 80);

    [Fact]
    public Task A_websocket_echoes_both_ways_and_closes_through_tls_on_443() =>
        EchoesAndCloses(new Uri($"wss://{Http1Gateway.WebSocketHostname}/ws"), 443);
}
