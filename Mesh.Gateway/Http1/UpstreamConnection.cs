using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Mesh.Gateway.Async;

namespace Mesh.Gateway.Http1;

/// <summary>
/// One HTTP/1.1 connection to an instance: the socket and a pooled receive buffer holding what
/// has been read but not yet passed on (<see cref="Start"/>..<see cref="End"/>).
/// </summary>
public sealed class UpstreamConnection : IDisposable
{
    public const int BufferSize = 16 * 1024;

    /// <summary>
    /// A body goes from the app's socket straight into the client's pipe in reads this large: a
    /// 64 KiB answer takes one or two reads and sends instead of four (the memory is the pipe's,
    /// held only while the bytes are in flight).
    /// </summary>
    public const int BodyChunkSize = 64 * 1024;

    private readonly Epoll.EpollSocket? _epoll;

    /// <summary>A connection on the gateway's own socket loop (<see cref="Epoll.EpollSocket"/>).</summary>
    internal UpstreamConnection(Epoll.EpollSocket socket, IPEndPoint endPoint)
        : this(socket.Socket, endPoint)
    {
        _epoll = socket;
    }

    public UpstreamConnection(Socket socket, IPEndPoint endPoint)
    {
        Socket = socket;
        EndPoint = endPoint;
        Buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    public Socket Socket { get; }

    public IPEndPoint EndPoint { get; }

    public byte[] Buffer { get; private set; }

    public int Start { get; set; }

    public int End { get; set; }

    public int Buffered => End - Start;

    public ReadOnlySpan<byte> Pending => Buffer.AsSpan(Start, End - Start);

    /// <summary>Whether the app's socket holds bytes not read yet (one ioctl); false if it cannot tell.</summary>
    public bool HasWaitingBytes
    {
        get
        {
            try
            {
                return Socket.Available > 0;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>When it went back to the pool (ticks of <see cref="Environment.TickCount64"/>).</summary>
    public long IdleSince { get; set; }

    /// <summary>Requests it carried; more than zero means it came from the pool.</summary>
    public int Uses { get; set; }

    /// <summary>Reads more bytes after <see cref="End"/>, moving what is buffered to the front (or growing) when full. 0 at the end of the stream.</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    public async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        if (End == Buffer.Length)
        {
            if (Start > 0)
            {
                Buffer.AsSpan(Start, End - Start).CopyTo(Buffer);
                End -= Start;
                Start = 0;
            }
            else
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Buffer.Length * 2);
                Buffer.AsSpan(0, End).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(Buffer);
                Buffer = bigger;
            }
        }
        var n = await ReceiveAsync(Buffer.AsMemory(End), cancellationToken).ConfigureAwait(false);
        End += n;
        return n;
    }

    /// <summary>Reads from the app into <paramref name="memory"/>: bytes read, 0 at the end of its stream.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> memory, CancellationToken cancellationToken) =>
        _epoll is { } epoll ? epoll.ReceiveAsync(memory, cancellationToken) : Socket.ReceiveAsync(memory, SocketFlags.None, cancellationToken);

    /// <summary>Sends all of <paramref name="data"/>; false when the instance's socket broke (the caller decides what that means).</summary>
    public ValueTask<bool> SendAllAsync(ReadOnlyMemory<byte> data) => _epoll is { } epoll ? SendAllAsync(epoll, data) : SendAllAsync(Socket, data);

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> SendAllAsync(Epoll.EpollSocket socket, ReadOnlyMemory<byte> data)
    {
        try
        {
            await socket.SendAsync(data);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Sends all of <paramref name="data"/> on a socket to an instance; false when it broke. One loop for both HTTP paths.</summary>
    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        try
        {
            while (data.Length > 0)
            {
                var n = await socket.SendAsync(data, SocketFlags.None);
                data = data[n..];
            }
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Consume(int count)
    {
        Start += count;
        if (Start == End) Start = End = 0;
    }

    /// <summary>
    /// Between requests the app has nothing to send: on the socket loop the next answer is waited
    /// for without a receive first (the last read of a body that filled its buffer exactly does not
    /// tell the loop that the socket is drained; a 64 KiB answer cost one EAGAIN per request).
    /// </summary>
    public void EnterIdle() => _epoll?.AssumeDrained();

    /// <summary>Whether an idle connection is still usable: nothing to read (no EOF, no stray bytes).</summary>
    public bool LooksIdle()
    {
        try
        {
            return Buffered == 0 && !Socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_epoll is not null) _epoll.Dispose();
        else Socket.Dispose();
        var buffer = Buffer;
        Buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }
}
