using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Mesh.Gateway.Epoll;

namespace Mesh.Tests.GatewayUnit;

/// <summary>
/// The gateway's own socket loop on real loopback sockets: what it must never do is lose an edge
/// (a receive that waits forever with bytes on the socket) or a byte.
/// </summary>
public sealed class EpollSocketTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Bytes_that_arrive_after_a_short_read_complete_the_next_receive()
    {
        using var pair = await Pair.OpenAsync();
        var buffer = new byte[4096];
        pair.Client.Send("abc"u8);
        Assert.Equal(3, await pair.Server.ReceiveAsync(buffer).AsTask().WaitAsync(Patience));

        // The short read marked the socket drained: this receive waits for the next edge.
        await AssertWaitingReceiveGetsAsync(pair, buffer, "defg"u8.ToArray());
    }

    [Fact]
    public async Task A_full_buffer_read_leaves_the_rest_readable_without_an_edge()
    {
        using var pair = await Pair.OpenAsync();
        pair.Client.Send(new byte[10_000]);
        var buffer = new byte[1000];
        var total = 0;
        while (total < 10_000) total += await pair.Server.ReceiveAsync(buffer).AsTask().WaitAsync(Patience);
        Assert.Equal(10_000, total);
    }

    [Fact]
    public async Task A_send_larger_than_the_socket_buffers_completes_once_the_peer_reads_it_all()
    {
        using var pair = await Pair.OpenAsync();
        var data = RandomNumberGenerator.GetBytes(16 * 1024 * 1024);
        // Three segments, so the send is gathered (sendmsg) and resumed on the loop after EAGAIN.
        var sequence = Segments(data, 3);
        var sending = pair.Server.SendAsync(sequence).AsTask();

        var received = new byte[data.Length];
        var at = 0;
        while (at < received.Length)
        {
            var n = await pair.Client.ReceiveAsync(received.AsMemory(at), SocketFlags.None).AsTask().WaitAsync(Patience);
            Assert.NotEqual(0, n);
            at += n;
        }
        await sending.WaitAsync(Patience);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(received));
    }

    [Fact]
    public async Task The_peer_closing_ends_a_waiting_receive_with_zero()
    {
        using var pair = await Pair.OpenAsync();
        await DrainAsync(pair);
        var waiting = pair.Server.WaitReadableAsync().AsTask();
        Assert.False(waiting.IsCompleted);
        pair.Client.Shutdown(SocketShutdown.Send);
        await waiting.WaitAsync(Patience);
        Assert.Equal(0, await pair.Server.ReceiveAsync(new byte[16]).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Bytes_that_come_with_the_peers_end_are_followed_by_the_end()
    {
        using var pair = await Pair.OpenAsync();
        await DrainAsync(pair);
        var waiting = pair.Server.WaitReadableAsync().AsTask();
        pair.Client.Send("abc"u8);
        pair.Client.Shutdown(SocketShutdown.Send);
        await waiting.WaitAsync(Patience);
        // Three bytes come short of the buffer, but the FIN is already in: no edge follows it, so the
        // next receive must not wait for one.
        var buffer = new byte[4096];
        var total = 0;
        int n;
        while ((n = await pair.Server.ReceiveAsync(buffer).AsTask().WaitAsync(Patience)) > 0) total += n;
        Assert.Equal(3, total);
    }

    [Fact]
    public async Task A_socket_assumed_drained_after_an_exact_read_still_receives_what_comes_next()
    {
        using var pair = await Pair.OpenAsync();
        pair.Client.Send(new byte[1000]);
        var buffer = new byte[1000];
        var total = 0;
        while (total < 1000) total += await pair.Server.ReceiveAsync(buffer.AsMemory(total)).AsTask().WaitAsync(Patience);

        // As a pooled connection to an app between requests: the read filled its buffer exactly.
        pair.Server.AssumeDrained();
        await AssertWaitingReceiveGetsAsync(pair, buffer, "answer"u8.ToArray());
    }

    [Fact]
    public async Task A_socket_whose_peer_closed_while_idle_is_not_assumed_drained()
    {
        using var pair = await Pair.OpenAsync();
        await DrainAsync(pair);
        var waiting = pair.Server.WaitReadableAsync().AsTask();
        pair.Client.Shutdown(SocketShutdown.Send);
        await waiting.WaitAsync(Patience);

        // The app closed the idle connection: no edge follows, so the end must stay readable.
        pair.Server.AssumeDrained();
        Assert.Equal(0, await pair.Server.ReceiveAsync(new byte[16]).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task A_parked_receive_ends_when_its_token_is_canceled_and_the_socket_still_works()
    {
        using var pair = await Pair.OpenAsync();
        var buffer = new byte[16];
        pair.Client.Send("x"u8);
        Assert.Equal(1, await pair.Server.ReceiveAsync(buffer).AsTask().WaitAsync(Patience));

        using var cancel = new CancellationTokenSource();
        var parked = pair.Server.ReceiveAsync(buffer, cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parked.WaitAsync(Patience));

        pair.Client.Send("yz"u8);
        Assert.Equal(2, await pair.Server.ReceiveAsync(buffer).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Disposing_the_socket_ends_a_parked_receive()
    {
        using var pair = await Pair.OpenAsync();
        await DrainAsync(pair);
        var parked = pair.Server.WaitReadableAsync().AsTask();
        Assert.False(parked.IsCompleted);
        pair.Server.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => parked.WaitAsync(Patience));
    }

    [Fact]
    public async Task Connecting_to_a_port_nobody_listens_on_is_refused()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endPoint = (IPEndPoint)probe.LocalEndPoint!;
        probe.Dispose();

        var e = await Assert.ThrowsAsync<SocketException>(() => EpollSocket.ConnectAsync(endPoint, CancellationToken.None).AsTask().WaitAsync(Patience));
        Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
    }

    [Fact]
    public async Task A_connected_socket_carries_bytes_both_ways()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = await EpollSocket.ConnectAsync((IPEndPoint)listener.LocalEndPoint!, CancellationToken.None).AsTask().WaitAsync(Patience);
        using var server = await listener.AcceptAsync().WaitAsync(Patience);

        await client.SendAsync("ping"u8.ToArray()).AsTask().WaitAsync(Patience);
        var buffer = new byte[16];
        Assert.Equal(4, await server.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(Patience));
        server.Send("pong"u8);
        Assert.Equal(4, await client.ReceiveAsync(buffer).AsTask().WaitAsync(Patience));
        Assert.Equal("pong"u8.ToArray(), buffer[..4]);
    }

    /// <summary>A receive with nothing on the socket waits, then gets exactly what the peer sends next.</summary>
    private static async Task AssertWaitingReceiveGetsAsync(Pair pair, byte[] buffer, byte[] sent)
    {
        var next = pair.Server.ReceiveAsync(buffer).AsTask();
        Assert.False(next.IsCompleted);
        pair.Client.Send(sent);
        Assert.Equal(sent.Length, await next.WaitAsync(Patience));
        Assert.Equal(sent, buffer[..sent.Length]);
    }

    /// <summary>
    /// A byte read back, then a receive that finds the socket empty (it parks) given up: from here
    /// the loop knows the socket is empty, so a wait parks until the next edge.
    /// </summary>
    private static async Task DrainAsync(Pair pair)
    {
        pair.Client.Send("a"u8);
        Assert.Equal(1, await pair.Server.ReceiveAsync(new byte[16]).AsTask().WaitAsync(Patience));
        using var cancel = new CancellationTokenSource();
        var parked = pair.Server.ReceiveAsync(new byte[16], cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parked.WaitAsync(Patience));
    }

    private static ReadOnlySequence<byte> Segments(byte[] data, int count)
    {
        var size = data.Length / count;
        var first = new Segment(data.AsMemory(0, size), 0);
        var last = first;
        for (var i = 1; i < count; i++)
        {
            var end = i == count - 1 ? data.Length : (i + 1) * size;
            last = last.Append(data.AsMemory(i * size, end - (i * size)));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>A loopback connection whose accepted end is on the loop.</summary>
    private sealed class Pair : IDisposable
    {
        private Pair(Socket client, EpollSocket server)
        {
            Client = client;
            Server = server;
        }

        public Socket Client { get; }

        public EpollSocket Server { get; }

        public static async Task<Pair> OpenAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await client.ConnectAsync(listener.LocalEndPoint!);
            var accepted = await listener.AcceptAsync();
            var server = EpollSocket.TryCreate(accepted) ?? throw new InvalidOperationException("the loop is not available here");
            return new Pair(client, server);
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }
}
