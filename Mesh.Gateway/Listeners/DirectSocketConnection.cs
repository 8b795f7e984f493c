using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Listeners;

/// <summary>
/// An accepted socket as a connection that never goes through Kestrel: for raw TCP ports with no
/// stage before the TCP handler, whose pump copies socket to socket (<see cref="Connections.SocketPump"/>).
/// It has addresses, items, an abort and a closed signal like any connection, but no pipes: the
/// handler uses <see cref="Socket"/> itself.
/// </summary>
internal sealed class DirectSocketConnection : ConnectionContext
{
    private static long _lastId;
    private readonly CancellationTokenSource _closed = new();
    private int _disposed;

    public DirectSocketConnection(Socket socket)
    {
        Socket = socket;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        ConnectionId = "direct-" + Interlocked.Increment(ref _lastId).ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        ConnectionClosed = _closed.Token;
    }

    public Socket Socket { get; }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    /// <summary>There is no pipe: the socket is copied directly.</summary>
    public override IDuplexPipe Transport
    {
        get => throw new NotSupportedException("a direct socket connection has no transport pipe; use its Socket");
        set => throw new NotSupportedException("a direct socket connection has no transport pipe");
    }

    /// <summary>Closes the socket at once, ending any copy (an address released, the gateway stopping).</summary>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        Socket.Dispose();
        Close();
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Socket.Dispose();
            Close();
            _closed.Dispose();
        }
        return ValueTask.CompletedTask;
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
