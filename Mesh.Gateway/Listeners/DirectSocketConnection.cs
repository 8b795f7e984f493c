using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Listeners;

/// <summary>
/// An accepted socket as a connection that never goes through Kestrel's transport: for raw TCP
/// ports with no stage before the TCP handler, whose pump copies socket to socket
/// (<see cref="Connections.SocketPump"/>), and for <c>tls</c>+<c>http</c> ports, where
/// <see cref="Connections.DirectTlsStage"/> runs TLS on the socket itself and gives the connection
/// its pipes (over the TLS stream). It has addresses, items, an abort and a closed signal like any
/// connection; until a stage gives it pipes, the handler uses <see cref="Socket"/> itself.
/// </summary>
internal sealed class DirectSocketConnection : ConnectionContext
{
    private static long _lastId;
    private readonly CancellationTokenSource _closed = new();
    private int _disposed;

    public DirectSocketConnection(Socket socket, IMemoryPoolFeature? pool = null)
    {
        if (pool is not null) Features.Set(pool);
        Socket = socket;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionId = "direct-" + Interlocked.Increment(ref _lastId).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        ConnectionClosed = _closed.Token;
    }

    public Socket Socket { get; }

    /// <summary>The socket on the gateway's own loop, when a stage put it there (native TLS); it closes the socket then.</summary>
    public Epoll.EpollSocket? Epoll { get; set; }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    private IDuplexPipe? _transport;

    /// <summary>The pipes a stage gave it (TLS on the socket); none on a raw TCP copy, which uses the socket.</summary>
    public override IDuplexPipe Transport
    {
        get => _transport ?? throw new NotSupportedException("a direct socket connection has no transport pipe; use its Socket");
        set => _transport = value;
    }

    /// <summary>
    /// Whether the client has closed its side (or reset it) while nothing reads the socket: readable
    /// with nothing to read. Kestrel's transport learns this from its read loop; a connection whose
    /// socket is read only between requests asks when a wait on the app grows long.
    /// </summary>
    public bool PeerClosed()
    {
        try
        {
            return Socket.Poll(0, SelectMode.SelectRead) && Socket.Available == 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>Closes the socket at once, ending any copy (an address released, the gateway stopping).</summary>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        CloseSocket();
        Close();
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            CloseSocket();
            Close();
            _closed.Dispose();
        }
        return ValueTask.CompletedTask;
    }

    private void CloseSocket()
    {
        if (Epoll is { } epoll) epoll.Dispose();
        else Socket.Dispose();
    }

    private void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
